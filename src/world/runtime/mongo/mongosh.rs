//! mongosh, the shell of the mongo 5.0+ images (mongo:7.0 carries mongosh 2.5.10: the
//! image installs `mongodb-org-shell` unpinned, and 2.5.10 was mongosh's release when
//! docker-library/mongo's `7.0/Dockerfile` pinned MONGO_VERSION 7.0.28 on 2025-12-16). Its
//! texts, from mongodb-js/mongosh v2.5.10: the banner (`cli-repl.ts`: `Current Mongosh Log
//! ID:\t`, `Connecting to:\t\t`; `mongosh-repl.ts` `greet`: `Using MongoDB:\t\t`, `Using
//! Mongosh:\t\t`, `MONGOSH_WIKI` and, the first time, `TELEMETRY_GREETING_MESSAGE` of
//! `constants.ts` with the texts of `i18n/src/locales/en_US.ts`), `show dbs`
//! (`format-output.ts` `formatDatabases`: a text-table, sizes as numeral's `0.00 ib`), and
//! the results of the write helpers (`shell-api/src/result.ts` as printed by `inspect.rs`).

use super::connect::Options;
use super::value::{Bson, Doc};

/// The mongosh of the mongo:7.0 image.
pub const VERSION: &str = "2.5.10";

/// Where mongosh keeps its configuration: `$HOME/.mongodb/mongosh/config`, the image's
/// `HOME` being `/data/db` (the Dockerfile's `ENV HOME /data/db`).
pub const CONFIG: &str = "/data/db/.mongodb/mongosh/config";

/// The connection string mongosh prints (`uri-generator.ts`: `directConnection=true` and
/// `serverSelectionTimeoutMS=2000` added to a host given without a replica set, and the
/// `appName`).
pub fn uri(o: &Options) -> String {
    let host = o.host.as_deref().unwrap_or("127.0.0.1");
    let db = if o.db == "test" { "" } else { o.db.as_str() };
    format!(
        "mongodb://{host}:{}/{db}?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+{VERSION}",
        o.port
    )
}

/// The lines before the connection: the log id (an ObjectId's hex) and the connection string.
pub fn connecting(o: &Options, log_id: &str) -> String {
    format!(
        "Current Mongosh Log ID:\t{log_id}\nConnecting to:\t\t{}\n",
        uri(o)
    )
}

/// `greet`: the versions, the documentation link and, when mongosh greets for the first time
/// (`greeted` false), the telemetry notice.
pub fn greet(server_version: &str, greeted: bool) -> String {
    let mut s = format!(
        "Using MongoDB:\t\t{server_version}\nUsing Mongosh:\t\t{VERSION}\n\nFor mongosh info see: https://www.mongodb.com/docs/mongodb-shell/\n\n"
    );
    if !greeted {
        s.push_str("\nTo help improve our products, anonymous usage data is collected and sent to MongoDB periodically (https://www.mongodb.com/legal/privacy-policy).\nYou can opt-out by running the disableTelemetry() command.\n\n");
    }
    s
}

/// numeral's `0.00 ib` (`0 ib` up to 1000 bytes): binary units.
fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    if n <= 1000 {
        return format!("{n} B");
    }
    let mut power = 0;
    while power + 1 < UNITS.len() && (n as f64) >= 1024f64.powi(power as i32 + 1) {
        power += 1;
    }
    format!(
        "{:.2} {}",
        n as f64 / 1024f64.powi(power as i32),
        UNITS[power]
    )
}

/// `show dbs`: names left-aligned, sizes right-aligned, two spaces between (text-table).
pub fn show_dbs(rows: &[(String, u64)]) -> String {
    let cells: Vec<(String, String)> = rows
        .iter()
        .map(|(n, s)| (n.clone(), format_bytes(*s)))
        .collect();
    let w0 = cells.iter().map(|c| c.0.chars().count()).max().unwrap_or(0);
    let w1 = cells.iter().map(|c| c.1.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (n, s) in cells {
        out.push_str(&format!("{n:<w0$}  {s:>w1$}\n"));
    }
    out
}

/// `InsertManyResult` (also what the deprecated `insert` returns): `insertedIds` an object
/// keyed by the documents' indexes.
pub fn insert_many_result(ids: Vec<Bson>) -> Bson {
    let ids: Doc = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| (i.to_string(), id))
        .collect();
    Bson::Doc(vec![
        ("acknowledged".into(), Bson::Bool(true)),
        ("insertedIds".into(), Bson::Doc(ids)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_dbs_is_a_text_table_in_binary_units() {
        let rows = vec![
            ("admin".to_string(), 40 * 1024),
            ("config".to_string(), 108 * 1024),
            ("local".to_string(), 40 * 1024),
        ];
        assert_eq!(
            show_dbs(&rows),
            "admin    40.00 KiB\nconfig  108.00 KiB\nlocal    40.00 KiB\n"
        );
        assert_eq!(format_bytes(1000), "1000 B");
        assert_eq!(format_bytes(3 * 1024 * 1024 / 2), "1.50 MiB");
    }

    #[test]
    fn the_connection_string_names_the_database_and_the_app() {
        let o = super::super::connect::options(&["mongosh".into(), "mystore".into()]);
        assert_eq!(
            uri(&o),
            "mongodb://127.0.0.1:27017/mystore?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+2.5.10"
        );
    }
}
