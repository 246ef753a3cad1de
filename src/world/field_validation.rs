//! Writes from API clients (kubectl, oc, Rhai's `cluster.apply`): the body is decoded against its
//! kind's schema under the request's `fieldValidation` directive before the write goes on
//! (`api::schema`), as kube-apiserver decodes a request body before defaulting, admission and
//! validation. Controllers and kubelab's own setup write through `create`/`update`/`write`
//! and are not decoded.

use serde_json::Value;

use super::World;
use super::api::error::ApiError;
use super::api::meta;
use super::api::schema::{self, Body, FieldValidation};
use super::requests::code_of;

impl World {
    /// Creates an object a client sent (POST with `fieldValidation`).
    pub fn create_validated(
        &mut self,
        mut obj: Value,
        dry_run: bool,
        validation: FieldValidation,
    ) -> Result<Value, ApiError> {
        self.decode_body("create", &mut obj, validation, Body::Object)?;
        self.create(obj, dry_run)
    }

    /// Replaces an object a client sent (PUT, or the result of a patch: `body` says which).
    pub fn update_validated(
        &mut self,
        mut obj: Value,
        dry_run: bool,
        validation: FieldValidation,
        body: Body<'_>,
    ) -> Result<Value, ApiError> {
        let verb = match body {
            Body::Object => "update",
            Body::StrategicPatch(_) => "patch",
        };
        self.decode_body(verb, &mut obj, validation, body)?;
        self.update(obj, dry_run)
    }

    /// Decodes a body as the apiserver does before anything else; warnings are kept for the
    /// client (`take_warnings`), a failure is audited and returned.
    pub fn decode_body(
        &mut self,
        verb: &str,
        obj: &mut Value,
        validation: FieldValidation,
        body: Body<'_>,
    ) -> Result<(), ApiError> {
        let kind = self.kind_of(obj)?;
        let answer = match self.decode_custom(kind, obj, validation) {
            Some(answer) => answer,
            None => schema::check(kind, obj, validation, body),
        };
        match answer {
            Ok(w) => {
                self.warnings.extend(w);
                Ok(())
            }
            Err(e) => {
                let code = code_of(&Err(e.clone()));
                let ns = meta::namespace(obj).to_string();
                let name = meta::name(obj).to_string();
                self.audit_request(verb, kind, &ns, &name, "", code);
                Err(e)
            }
        }
    }

    /// The warnings of the requests since the last call, in order.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}
