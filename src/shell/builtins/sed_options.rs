//! `sed`'s command line: `-n -i -e -E/-r -s` and their long forms; what kubelab's sed lacks
//! (`-f`, `-z`, `-i.bak`) is refused plainly.

pub(super) struct Options {
    pub in_place: bool,
    pub quiet: bool,
    pub separate: bool,
    pub expressions: Vec<String>,
    pub files: Vec<String>,
    pub ere: bool,
}

const USAGE: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n";

pub(super) fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        in_place: false,
        quiet: false,
        separate: false,
        expressions: vec![],
        files: vec![],
        ere: false,
    };
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().cloned());
            break;
        }
        if !a.starts_with('-') || a == "-" {
            operands.push(a.clone());
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "in-place" => o.in_place = true,
                "quiet" | "silent" => o.quiet = true,
                "regexp-extended" => o.ere = true,
                "separate" => o.separate = true,
                "posix" | "sandbox" | "follow-symlinks" => {}
                l if l.starts_with("expression=") => o.expressions.push(l[11..].to_string()),
                "expression" => match args.get(i) {
                    Some(e) => {
                        o.expressions.push(e.clone());
                        i += 1;
                    }
                    None => return Err("sed: option '--expression' requires an argument".into()),
                },
                _ => {
                    return Err(format!(
                        "sed: unknown option -- '{}'\n{USAGE}",
                        long.split('=').next().unwrap_or(long)
                    )
                    .trim_end()
                    .to_string());
                }
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < letters.len() {
            let c = letters[k];
            k += 1;
            match c {
                'n' => o.quiet = true,
                'E' | 'r' => o.ere = true,
                's' => o.separate = true,
                'i' => {
                    // `-i.bak`: the rest is a backup suffix; kubelab keeps no backup.
                    if k < letters.len() {
                        return Err(
                            "kubelab: sed: -i with a backup suffix is not supported".to_string()
                        );
                    }
                    o.in_place = true;
                }
                'e' => {
                    let e = if k < letters.len() {
                        let e: String = letters[k..].iter().collect();
                        k = letters.len();
                        e
                    } else if let Some(e) = args.get(i) {
                        i += 1;
                        e.clone()
                    } else {
                        return Err(format!(
                            "sed: option requires an argument -- 'e'\n{}",
                            USAGE.trim_end()
                        ));
                    };
                    o.expressions.push(e);
                }
                'f' => return Err("kubelab: sed: -f (a script file) is not supported".into()),
                'z' | 'u' | 'l' => {
                    return Err(format!("kubelab: sed: -{c} is not supported"));
                }
                other => {
                    return Err(format!(
                        "sed: invalid option -- '{other}'\n{}",
                        USAGE.trim_end()
                    ));
                }
            }
        }
    }
    let mut operands = operands.into_iter();
    if o.expressions.is_empty() {
        match operands.next() {
            Some(s) => o.expressions.push(s),
            None => return Err(USAGE.trim_end().to_string()),
        }
    }
    o.files = operands.collect();
    Ok(o)
}
