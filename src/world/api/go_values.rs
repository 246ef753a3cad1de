//! Stored objects (v1 JSON) seen as the API server's internal Go values, for the go-cmp diffs
//! of update errors ([`super::gocmp`]): the internal types' fields in declaration order
//! (`k/k pkg/apis/core/types.go`), pointers where the internal type has pointers.
//! Types kubelab does not list here are shown with their JSON fields in key order and Go-style
//! names (an approximation, said here since go-cmp would use the declaration order).

use serde_json::Value;

use super::gocmp::GoV;
use super::quantity::{Format, Quantity};

/// `(json name, Go name, type)`; an empty json name means an embedded struct read from the same
/// JSON object.
type Fields = &'static [(&'static str, &'static str, &'static str)];

fn fields_of(ty: &str) -> Option<Fields> {
    Some(match ty {
        "core.PersistentVolumeClaimSpec" => &[
            (
                "accessModes",
                "AccessModes",
                "[]core.PersistentVolumeAccessMode",
            ),
            ("selector", "Selector", "*v1.LabelSelector"),
            ("resources", "Resources", "core.VolumeResourceRequirements"),
            ("volumeName", "VolumeName", "string"),
            ("storageClassName", "StorageClassName", "*string"),
            ("volumeMode", "VolumeMode", "*core.PersistentVolumeMode"),
            (
                "dataSource",
                "DataSource",
                "*core.TypedLocalObjectReference",
            ),
            (
                "dataSourceRef",
                "DataSourceRef",
                "*core.TypedObjectReference",
            ),
            (
                "volumeAttributesClassName",
                "VolumeAttributesClassName",
                "*string",
            ),
        ],
        "core.VolumeResourceRequirements" => &[
            ("limits", "Limits", "core.ResourceList"),
            ("requests", "Requests", "core.ResourceList"),
        ],
        "core.ResourceRequirements" => &[
            ("limits", "Limits", "core.ResourceList"),
            ("requests", "Requests", "core.ResourceList"),
            ("claims", "Claims", "[]core.ResourceClaim"),
        ],
        "core.ResourceClaim" => &[("name", "Name", "string"), ("request", "Request", "string")],
        "v1.LabelSelector" => &[
            ("matchLabels", "MatchLabels", "map[string]string"),
            (
                "matchExpressions",
                "MatchExpressions",
                "[]v1.LabelSelectorRequirement",
            ),
        ],
        "v1.LabelSelectorRequirement" => &[
            ("key", "Key", "string"),
            ("operator", "Operator", "v1.LabelSelectorOperator"),
            ("values", "Values", "[]string"),
        ],
        "core.TypedLocalObjectReference" => &[
            ("apiGroup", "APIGroup", "*string"),
            ("kind", "Kind", "string"),
            ("name", "Name", "string"),
        ],
        "core.TypedObjectReference" => &[
            ("apiGroup", "APIGroup", "*string"),
            ("kind", "Kind", "string"),
            ("name", "Name", "string"),
            ("namespace", "Namespace", "*string"),
        ],
        "core.PersistentVolumeSource" => &[
            (
                "gcePersistentDisk",
                "GCEPersistentDisk",
                "*core.GCEPersistentDiskVolumeSource",
            ),
            (
                "awsElasticBlockStore",
                "AWSElasticBlockStore",
                "*core.AWSElasticBlockStoreVolumeSource",
            ),
            ("hostPath", "HostPath", "*core.HostPathVolumeSource"),
            (
                "glusterfs",
                "Glusterfs",
                "*core.GlusterfsPersistentVolumeSource",
            ),
            ("nfs", "NFS", "*core.NFSVolumeSource"),
            ("rbd", "RBD", "*core.RBDPersistentVolumeSource"),
            ("quobyte", "Quobyte", "*core.QuobyteVolumeSource"),
            ("iscsi", "ISCSI", "*core.ISCSIPersistentVolumeSource"),
            (
                "flexVolume",
                "FlexVolume",
                "*core.FlexPersistentVolumeSource",
            ),
            ("cinder", "Cinder", "*core.CinderPersistentVolumeSource"),
            ("cephfs", "CephFS", "*core.CephFSPersistentVolumeSource"),
            ("fc", "FC", "*core.FCVolumeSource"),
            ("flocker", "Flocker", "*core.FlockerVolumeSource"),
            (
                "azureFile",
                "AzureFile",
                "*core.AzureFilePersistentVolumeSource",
            ),
            (
                "vsphereVolume",
                "VsphereVolume",
                "*core.VsphereVirtualDiskVolumeSource",
            ),
            ("azureDisk", "AzureDisk", "*core.AzureDiskVolumeSource"),
            (
                "photonPersistentDisk",
                "PhotonPersistentDisk",
                "*core.PhotonPersistentDiskVolumeSource",
            ),
            (
                "portworxVolume",
                "PortworxVolume",
                "*core.PortworxVolumeSource",
            ),
            ("scaleIO", "ScaleIO", "*core.ScaleIOPersistentVolumeSource"),
            ("local", "Local", "*core.LocalVolumeSource"),
            (
                "storageos",
                "StorageOS",
                "*core.StorageOSPersistentVolumeSource",
            ),
            ("csi", "CSI", "*core.CSIPersistentVolumeSource"),
        ],
        "core.HostPathVolumeSource" => &[
            ("path", "Path", "string"),
            ("type", "Type", "*core.HostPathType"),
        ],
        "core.NFSVolumeSource" => &[
            ("server", "Server", "string"),
            ("path", "Path", "string"),
            ("readOnly", "ReadOnly", "bool"),
        ],
        "core.LocalVolumeSource" => &[("path", "Path", "string"), ("fsType", "FSType", "*string")],
        "core.PodSpec" => &[
            ("volumes", "Volumes", "[]core.Volume"),
            ("initContainers", "InitContainers", "[]core.Container"),
            ("containers", "Containers", "[]core.Container"),
            (
                "ephemeralContainers",
                "EphemeralContainers",
                "[]core.EphemeralContainer",
            ),
            ("restartPolicy", "RestartPolicy", "core.RestartPolicy"),
            (
                "terminationGracePeriodSeconds",
                "TerminationGracePeriodSeconds",
                "*int",
            ),
            ("activeDeadlineSeconds", "ActiveDeadlineSeconds", "*int"),
            ("dnsPolicy", "DNSPolicy", "core.DNSPolicy"),
            ("nodeSelector", "NodeSelector", "map[string]string"),
            ("serviceAccountName", "ServiceAccountName", "string"),
            (
                "automountServiceAccountToken",
                "AutomountServiceAccountToken",
                "*bool",
            ),
            ("nodeName", "NodeName", "string"),
            ("", "SecurityContext", "podsecuritycontext"),
            (
                "imagePullSecrets",
                "ImagePullSecrets",
                "[]core.LocalObjectReference",
            ),
            ("hostname", "Hostname", "string"),
            ("subdomain", "Subdomain", "string"),
            ("setHostnameAsFQDN", "SetHostnameAsFQDN", "*bool"),
            ("affinity", "Affinity", "*core.Affinity"),
            ("schedulerName", "SchedulerName", "string"),
            ("tolerations", "Tolerations", "[]core.Toleration"),
            ("hostAliases", "HostAliases", "[]core.HostAlias"),
            ("priorityClassName", "PriorityClassName", "string"),
            ("priority", "Priority", "*int"),
            (
                "preemptionPolicy",
                "PreemptionPolicy",
                "*core.PreemptionPolicy",
            ),
            ("dnsConfig", "DNSConfig", "*core.PodDNSConfig"),
            (
                "readinessGates",
                "ReadinessGates",
                "[]core.PodReadinessGate",
            ),
            ("runtimeClassName", "RuntimeClassName", "*string"),
            ("overhead", "Overhead", "core.ResourceList"),
            ("enableServiceLinks", "EnableServiceLinks", "*bool"),
            (
                "topologySpreadConstraints",
                "TopologySpreadConstraints",
                "[]core.TopologySpreadConstraint",
            ),
            ("os", "OS", "*core.PodOS"),
            (
                "schedulingGates",
                "SchedulingGates",
                "[]core.PodSchedulingGate",
            ),
            (
                "resourceClaims",
                "ResourceClaims",
                "[]core.PodResourceClaim",
            ),
            ("resources", "Resources", "*core.ResourceRequirements"),
        ],
        "core.PodSecurityContext" => &[
            ("hostNetwork", "HostNetwork", "bool"),
            ("hostPID", "HostPID", "bool"),
            ("hostIPC", "HostIPC", "bool"),
            ("shareProcessNamespace", "ShareProcessNamespace", "*bool"),
            ("hostUsers", "HostUsers", "*bool"),
            ("seLinuxOptions", "SELinuxOptions", "*core.SELinuxOptions"),
            (
                "windowsOptions",
                "WindowsOptions",
                "*core.WindowsSecurityContextOptions",
            ),
            ("runAsUser", "RunAsUser", "*int"),
            ("runAsGroup", "RunAsGroup", "*int"),
            ("runAsNonRoot", "RunAsNonRoot", "*bool"),
            ("supplementalGroups", "SupplementalGroups", "[]int64"),
            (
                "supplementalGroupsPolicy",
                "SupplementalGroupsPolicy",
                "*core.SupplementalGroupsPolicy",
            ),
            ("fsGroup", "FSGroup", "*int"),
            (
                "fsGroupChangePolicy",
                "FSGroupChangePolicy",
                "*core.PodFSGroupChangePolicy",
            ),
            ("sysctls", "Sysctls", "[]core.Sysctl"),
            ("seccompProfile", "SeccompProfile", "*core.SeccompProfile"),
            (
                "appArmorProfile",
                "AppArmorProfile",
                "*core.AppArmorProfile",
            ),
        ],
        "core.Container" | "core.EphemeralContainer" => &[
            ("name", "Name", "string"),
            ("image", "Image", "string"),
            ("command", "Command", "[]string"),
            ("args", "Args", "[]string"),
            ("workingDir", "WorkingDir", "string"),
            ("ports", "Ports", "[]core.ContainerPort"),
            ("envFrom", "EnvFrom", "[]core.EnvFromSource"),
            ("env", "Env", "[]core.EnvVar"),
            ("resources", "Resources", "core.ResourceRequirements"),
            (
                "resizePolicy",
                "ResizePolicy",
                "[]core.ContainerResizePolicy",
            ),
            (
                "restartPolicy",
                "RestartPolicy",
                "*core.ContainerRestartPolicy",
            ),
            ("volumeMounts", "VolumeMounts", "[]core.VolumeMount"),
            ("volumeDevices", "VolumeDevices", "[]core.VolumeDevice"),
            ("livenessProbe", "LivenessProbe", "*core.Probe"),
            ("readinessProbe", "ReadinessProbe", "*core.Probe"),
            ("startupProbe", "StartupProbe", "*core.Probe"),
            ("lifecycle", "Lifecycle", "*core.Lifecycle"),
            ("terminationMessagePath", "TerminationMessagePath", "string"),
            (
                "terminationMessagePolicy",
                "TerminationMessagePolicy",
                "core.TerminationMessagePolicy",
            ),
            ("imagePullPolicy", "ImagePullPolicy", "core.PullPolicy"),
            (
                "securityContext",
                "SecurityContext",
                "*core.SecurityContext",
            ),
            ("stdin", "Stdin", "bool"),
            ("stdinOnce", "StdinOnce", "bool"),
            ("tty", "TTY", "bool"),
        ],
        "core.ContainerPort" => &[
            ("name", "Name", "string"),
            ("hostPort", "HostPort", "int"),
            ("containerPort", "ContainerPort", "int"),
            ("protocol", "Protocol", "core.Protocol"),
            ("hostIP", "HostIP", "string"),
        ],
        "core.EnvVar" => &[
            ("name", "Name", "string"),
            ("value", "Value", "string"),
            ("valueFrom", "ValueFrom", "*core.EnvVarSource"),
        ],
        "core.EnvVarSource" => &[
            ("fieldRef", "FieldRef", "*core.ObjectFieldSelector"),
            (
                "resourceFieldRef",
                "ResourceFieldRef",
                "*core.ResourceFieldSelector",
            ),
            (
                "configMapKeyRef",
                "ConfigMapKeyRef",
                "*core.ConfigMapKeySelector",
            ),
            ("secretKeyRef", "SecretKeyRef", "*core.SecretKeySelector"),
        ],
        "core.ConfigMapKeySelector" | "core.SecretKeySelector" => &[
            ("", "LocalObjectReference", "core.LocalObjectReference"),
            ("key", "Key", "string"),
            ("optional", "Optional", "*bool"),
        ],
        "core.LocalObjectReference" => &[("name", "Name", "string")],
        "core.EnvFromSource" => &[
            ("prefix", "Prefix", "string"),
            ("configMapRef", "ConfigMapRef", "*core.ConfigMapEnvSource"),
            ("secretRef", "SecretRef", "*core.SecretEnvSource"),
        ],
        "core.ConfigMapEnvSource" | "core.SecretEnvSource" => &[
            ("", "LocalObjectReference", "core.LocalObjectReference"),
            ("optional", "Optional", "*bool"),
        ],
        "core.ObjectFieldSelector" => &[
            ("apiVersion", "APIVersion", "string"),
            ("fieldPath", "FieldPath", "string"),
        ],
        "core.VolumeMount" => &[
            ("name", "Name", "string"),
            ("readOnly", "ReadOnly", "bool"),
            (
                "recursiveReadOnly",
                "RecursiveReadOnly",
                "*core.RecursiveReadOnlyMode",
            ),
            ("mountPath", "MountPath", "string"),
            ("subPath", "SubPath", "string"),
            (
                "mountPropagation",
                "MountPropagation",
                "*core.MountPropagationMode",
            ),
            ("subPathExpr", "SubPathExpr", "string"),
        ],
        "core.Volume" => &[
            ("name", "Name", "string"),
            ("", "VolumeSource", "core.VolumeSource"),
        ],
        "core.VolumeSource" => &[
            ("hostPath", "HostPath", "*core.HostPathVolumeSource"),
            ("emptyDir", "EmptyDir", "*core.EmptyDirVolumeSource"),
            (
                "gcePersistentDisk",
                "GCEPersistentDisk",
                "*core.GCEPersistentDiskVolumeSource",
            ),
            (
                "awsElasticBlockStore",
                "AWSElasticBlockStore",
                "*core.AWSElasticBlockStoreVolumeSource",
            ),
            ("gitRepo", "GitRepo", "*core.GitRepoVolumeSource"),
            ("secret", "Secret", "*core.SecretVolumeSource"),
            ("nfs", "NFS", "*core.NFSVolumeSource"),
            ("iscsi", "ISCSI", "*core.ISCSIVolumeSource"),
            ("glusterfs", "Glusterfs", "*core.GlusterfsVolumeSource"),
            (
                "persistentVolumeClaim",
                "PersistentVolumeClaim",
                "*core.PersistentVolumeClaimVolumeSource",
            ),
            ("rbd", "RBD", "*core.RBDVolumeSource"),
            ("quobyte", "Quobyte", "*core.QuobyteVolumeSource"),
            ("flexVolume", "FlexVolume", "*core.FlexVolumeSource"),
            ("cinder", "Cinder", "*core.CinderVolumeSource"),
            ("cephfs", "CephFS", "*core.CephFSVolumeSource"),
            ("flocker", "Flocker", "*core.FlockerVolumeSource"),
            (
                "downwardAPI",
                "DownwardAPI",
                "*core.DownwardAPIVolumeSource",
            ),
            ("fc", "FC", "*core.FCVolumeSource"),
            ("azureFile", "AzureFile", "*core.AzureFileVolumeSource"),
            ("configMap", "ConfigMap", "*core.ConfigMapVolumeSource"),
            (
                "vsphereVolume",
                "VsphereVolume",
                "*core.VsphereVirtualDiskVolumeSource",
            ),
            ("azureDisk", "AzureDisk", "*core.AzureDiskVolumeSource"),
            (
                "photonPersistentDisk",
                "PhotonPersistentDisk",
                "*core.PhotonPersistentDiskVolumeSource",
            ),
            ("projected", "Projected", "*core.ProjectedVolumeSource"),
            (
                "portworxVolume",
                "PortworxVolume",
                "*core.PortworxVolumeSource",
            ),
            ("scaleIO", "ScaleIO", "*core.ScaleIOVolumeSource"),
            ("storageos", "StorageOS", "*core.StorageOSVolumeSource"),
            ("csi", "CSI", "*core.CSIVolumeSource"),
            ("ephemeral", "Ephemeral", "*core.EphemeralVolumeSource"),
            ("image", "Image", "*core.ImageVolumeSource"),
        ],
        "core.EmptyDirVolumeSource" => &[
            ("medium", "Medium", "core.StorageMedium"),
            ("sizeLimit", "SizeLimit", "*resource.Quantity"),
        ],
        "core.SecretVolumeSource" => &[
            ("secretName", "SecretName", "string"),
            ("items", "Items", "[]core.KeyToPath"),
            ("defaultMode", "DefaultMode", "*int"),
            ("optional", "Optional", "*bool"),
        ],
        "core.ConfigMapVolumeSource" => &[
            ("", "LocalObjectReference", "core.LocalObjectReference"),
            ("items", "Items", "[]core.KeyToPath"),
            ("defaultMode", "DefaultMode", "*int"),
            ("optional", "Optional", "*bool"),
        ],
        "core.KeyToPath" => &[
            ("key", "Key", "string"),
            ("path", "Path", "string"),
            ("mode", "Mode", "*int"),
        ],
        "core.PersistentVolumeClaimVolumeSource" => &[
            ("claimName", "ClaimName", "string"),
            ("readOnly", "ReadOnly", "bool"),
        ],
        "core.ProjectedVolumeSource" => &[
            ("sources", "Sources", "[]core.VolumeProjection"),
            ("defaultMode", "DefaultMode", "*int"),
        ],
        "core.VolumeProjection" => &[
            ("secret", "Secret", "*core.SecretProjection"),
            ("downwardAPI", "DownwardAPI", "*core.DownwardAPIProjection"),
            ("configMap", "ConfigMap", "*core.ConfigMapProjection"),
            (
                "serviceAccountToken",
                "ServiceAccountToken",
                "*core.ServiceAccountTokenProjection",
            ),
            (
                "clusterTrustBundle",
                "ClusterTrustBundle",
                "*core.ClusterTrustBundleProjection",
            ),
        ],
        "core.ConfigMapProjection" | "core.SecretProjection" => &[
            ("", "LocalObjectReference", "core.LocalObjectReference"),
            ("items", "Items", "[]core.KeyToPath"),
            ("optional", "Optional", "*bool"),
        ],
        "core.DownwardAPIProjection" | "core.DownwardAPIVolumeSource" => &[
            ("items", "Items", "[]core.DownwardAPIVolumeFile"),
            ("defaultMode", "DefaultMode", "*int"),
        ],
        "core.DownwardAPIVolumeFile" => &[
            ("path", "Path", "string"),
            ("fieldRef", "FieldRef", "*core.ObjectFieldSelector"),
            (
                "resourceFieldRef",
                "ResourceFieldRef",
                "*core.ResourceFieldSelector",
            ),
            ("mode", "Mode", "*int"),
        ],
        "core.ServiceAccountTokenProjection" => &[
            ("audience", "Audience", "string"),
            ("expirationSeconds", "ExpirationSeconds", "int"),
            ("path", "Path", "string"),
        ],
        "core.Toleration" => &[
            ("key", "Key", "string"),
            ("operator", "Operator", "core.TolerationOperator"),
            ("value", "Value", "string"),
            ("effect", "Effect", "core.TaintEffect"),
            ("tolerationSeconds", "TolerationSeconds", "*int"),
        ],
        "core.Probe" => &[
            ("", "ProbeHandler", "core.ProbeHandler"),
            ("initialDelaySeconds", "InitialDelaySeconds", "int"),
            ("timeoutSeconds", "TimeoutSeconds", "int"),
            ("periodSeconds", "PeriodSeconds", "int"),
            ("successThreshold", "SuccessThreshold", "int"),
            ("failureThreshold", "FailureThreshold", "int"),
            (
                "terminationGracePeriodSeconds",
                "TerminationGracePeriodSeconds",
                "*int",
            ),
        ],
        "core.ProbeHandler" => &[
            ("exec", "Exec", "*core.ExecAction"),
            ("httpGet", "HTTPGet", "*core.HTTPGetAction"),
            ("tcpSocket", "TCPSocket", "*core.TCPSocketAction"),
            ("grpc", "GRPC", "*core.GRPCAction"),
        ],
        "core.ExecAction" => &[("command", "Command", "[]string")],
        "core.HTTPGetAction" => &[
            ("path", "Path", "string"),
            ("port", "Port", "intstr"),
            ("host", "Host", "string"),
            ("scheme", "Scheme", "core.URIScheme"),
            ("httpHeaders", "HTTPHeaders", "[]core.HTTPHeader"),
        ],
        "core.TCPSocketAction" => &[("port", "Port", "intstr"), ("host", "Host", "string")],
        _ => return None,
    })
}

/// The internal Go value of a v1 JSON value of type `ty`.
pub fn go_value(ty: &str, v: Option<&Value>) -> GoV {
    let v = v.filter(|v| !v.is_null());
    if ty == "*core.HostPathType" {
        return GoV::Ptr(Box::new(go_value("core.HostPathType", v)));
    }
    if let Some(inner) = ty.strip_prefix('*') {
        return match v {
            None => GoV::Nil,
            Some(v) => GoV::Ptr(Box::new(go_value(inner, Some(v)))),
        };
    }
    if let Some(elem) = ty.strip_prefix("[]") {
        return match v.and_then(Value::as_array) {
            None => GoV::Nil,
            Some(a) => GoV::Slice(
                ty.to_string(),
                a.iter().map(|x| go_value(elem, Some(x))).collect(),
            ),
        };
    }
    match ty {
        "string" => GoV::Str(v.and_then(Value::as_str).unwrap_or("").to_string()),
        "int" | "int64" => GoV::Int(v.and_then(Value::as_i64).unwrap_or(0)),
        "bool" => GoV::Bool(v.and_then(Value::as_bool).unwrap_or(false)),
        "map[string]string" => match v.and_then(Value::as_object) {
            None => GoV::Nil,
            Some(m) => GoV::Map(
                ty.to_string(),
                m.iter()
                    .map(|(k, x)| {
                        (
                            GoV::Str(k.clone()),
                            GoV::Str(x.as_str().unwrap_or("").to_string()),
                        )
                    })
                    .collect(),
            ),
        },
        "core.ResourceList" => match v.and_then(Value::as_object) {
            None => GoV::Nil,
            Some(m) => GoV::Map(
                ty.to_string(),
                m.iter()
                    .map(|(k, x)| (GoV::Stringer(k.clone()), quantity(x)))
                    .collect(),
            ),
        },
        "resource.Quantity" => quantity(v.unwrap_or(&Value::Null)),
        "intstr" => match v {
            Some(Value::String(s)) => GoV::Struct(
                "intstr.IntOrString".into(),
                vec![
                    ("Type".into(), GoV::Int(1)),
                    ("IntVal".into(), GoV::Int(0)),
                    ("StrVal".into(), GoV::Str(s.clone())),
                ],
            ),
            other => GoV::Struct(
                "intstr.IntOrString".into(),
                vec![
                    ("Type".into(), GoV::Int(0)),
                    (
                        "IntVal".into(),
                        GoV::Int(other.and_then(Value::as_i64).unwrap_or(0)),
                    ),
                    ("StrVal".into(), GoV::Str(String::new())),
                ],
            ),
        },
        "podsecuritycontext" => pod_security_context(v),
        // Defaulted when decoded (`SetDefaults_HostPathVolumeSource`).
        "core.HostPathType" => GoV::Str(v.and_then(Value::as_str).unwrap_or("").to_string()),
        _ => match fields_of(ty) {
            Some(fields) => {
                let obj = v.and_then(Value::as_object);
                GoV::Struct(
                    ty.to_string(),
                    fields
                        .iter()
                        .map(|(json, go, fty)| {
                            let fv = if json.is_empty() {
                                v
                            } else {
                                obj.and_then(|o| o.get(*json))
                            };
                            (go.to_string(), go_value(fty, fv))
                        })
                        .collect(),
                )
            }
            None => match v {
                // A named string type, or a type kubelab has no table for.
                Some(Value::String(s)) => GoV::Str(s.clone()),
                Some(Value::Number(n)) => GoV::Int(n.as_i64().unwrap_or(0)),
                Some(Value::Bool(b)) => GoV::Bool(*b),
                Some(Value::Object(m)) => GoV::Struct(
                    ty.to_string(),
                    m.iter()
                        .map(|(k, x)| (go_name(k), go_value("?", Some(x))))
                        .collect(),
                ),
                Some(Value::Array(a)) => GoV::Slice(
                    "[]?".into(),
                    a.iter().map(|x| go_value("?", Some(x))).collect(),
                ),
                // Absent: the zero value of a named string type.
                _ => GoV::Str(String::new()),
            },
        },
    }
}

/// The internal `PodSecurityContext` gathers the v1 pod's `securityContext` and its host
/// namespace fields; the conversion always creates it.
fn pod_security_context(spec: Option<&Value>) -> GoV {
    let mut merged = spec
        .and_then(|s| s.get("securityContext"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for k in [
        "hostNetwork",
        "hostPID",
        "hostIPC",
        "shareProcessNamespace",
        "hostUsers",
    ] {
        if let Some(x) = spec.and_then(|s| s.get(k)) {
            merged.insert(k.to_string(), x.clone());
        }
    }
    GoV::Ptr(Box::new(go_value(
        "core.PodSecurityContext",
        Some(&Value::Object(merged)),
    )))
}

fn go_name(json: &str) -> String {
    let mut c = json.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A `resource.Quantity` as read back from its canonical text: the int64 amount (`value`,
/// `scale`), the kept text `s` when `ParseQuantity` keeps it, and the format.
fn quantity(v: &Value) -> GoV {
    let Ok(q) = Quantity::from_json(v) else {
        return GoV::Struct("resource.Quantity".into(), Vec::new());
    };
    let text = q.canonical();
    let reparsed = Quantity::parse(&text).unwrap_or(q);
    let (value, scale) = int64_amount(&text);
    let format = match reparsed.format {
        Format::BinarySI => "BinarySI",
        Format::DecimalSI => "DecimalSI",
        Format::DecimalExponent => "DecimalExponent",
    };
    GoV::Struct(
        "resource.Quantity".into(),
        vec![
            (
                "i".into(),
                GoV::Opaque(Box::new(GoV::Struct(
                    "resource.int64Amount".into(),
                    vec![
                        ("value".into(), GoV::Int(value)),
                        ("scale".into(), GoV::Int(scale)),
                    ],
                ))),
            ),
            (
                "s".into(),
                GoV::Str(reparsed.kept().unwrap_or("").to_string()),
            ),
            ("Format".into(), GoV::Str(format.into())),
        ],
    )
}

/// `ParseQuantity`'s fast path on canonical text: (unscaled value, decimal scale).
fn int64_amount(text: &str) -> (i64, i64) {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+' || c == '.'))
        .unwrap_or(text.len());
    let (num, suffix) = text.split_at(split);
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let digits: i64 = format!("{int}{frac}").parse().unwrap_or(0);
    let binary = |k: u32| digits.checked_mul(1i64 << k).unwrap_or(i64::MAX);
    match suffix {
        "Ki" => (binary(10), 0),
        "Mi" => (binary(20), 0),
        "Gi" => (binary(30), 0),
        "Ti" => (binary(40), 0),
        "Pi" => (binary(50), 0),
        "Ei" => (binary(60), 0),
        s => {
            let exp: i64 = match s {
                "n" => -9,
                "u" => -6,
                "m" => -3,
                "" => 0,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                "E" => 18,
                e => e[1..].parse().unwrap_or(0),
            };
            (digits, exp - frac.len() as i64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::gocmp::diff;
    use serde_json::json;

    #[test]
    fn pvc_spec_class_change() {
        let old = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Mi"}}, "storageClassName": "local-path", "volumeMode": "Filesystem"});
        let mut new = old.clone();
        new["storageClassName"] = json!("local-storage");
        let d = diff(
            &go_value("core.PersistentVolumeClaimSpec", Some(&old)),
            &go_value("core.PersistentVolumeClaimSpec", Some(&new)),
        );
        assert_eq!(
            d,
            "  core.PersistentVolumeClaimSpec{\n  \t... // 2 identical fields\n  \tResources:        {Requests: {s\"storage\": {i: {...}, s: \"500Mi\", Format: \"BinarySI\"}}},\n  \tVolumeName:       \"\",\n- \tStorageClassName: &\"local-path\",\n+ \tStorageClassName: &\"local-storage\",\n  \tVolumeMode:       &\"Filesystem\",\n  \tDataSource:       nil,\n  \t... // 2 identical fields\n  }\n"
        );
    }

    #[test]
    fn quantity_amounts() {
        assert_eq!(int64_amount("1Gi"), (1 << 30, 0));
        assert_eq!(int64_amount("500m"), (500, -3));
        assert_eq!(int64_amount("800E"), (800, 18));
        assert_eq!(int64_amount("1e3"), (1, 3));
    }
}
