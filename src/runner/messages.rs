//! The lab shell's own sentences (`kubelab shell LAB`: the welcome line, `hint`, `reset`,
//! `help`) in the lab's language ([`Lang`]). What kubectl, oc and helm print stays English, as
//! on a real cluster; PASS, FAIL and `score:` are marks, the same in every language.

use crate::lab::Lang;

/// The welcome's last line.
pub fn welcome_footer(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Type `tasks`, `hint`, `check` or `reset` at any time.\n",
        Lang::Ko => "언제든지 `tasks`, `hint`, `check`, `reset`을 입력할 수 있습니다.\n",
    }
}

/// `hint` or `solve` when every task is done.
pub fn all_done(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Every task is done.\n",
        Lang::Ko => "모든 과제를 마쳤습니다.\n",
    }
}

/// `hint` for a task without hints (`task` from 1).
pub fn no_hint(lang: Lang, task: usize) -> String {
    match lang {
        Lang::En => format!("No hint for task {task}.\n"),
        Lang::Ko => format!("과제 {task}에는 힌트가 없습니다.\n"),
    }
}

/// One hint: the `n`th of `of` for `task`.
pub fn hint(lang: Lang, n: usize, of: usize, task: usize, text: &str) -> String {
    match lang {
        Lang::En => format!("hint ({n}/{of}) for task {task}: {text}\n"),
        Lang::Ko => format!("과제 {task}의 힌트 ({n}/{of}): {text}\n"),
    }
}

/// `reset` done.
pub fn reset_done(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "The lab was reset: a fresh cluster and workstation.\n",
        Lang::Ko => "랩을 처음 상태로 되돌렸습니다: 새 클러스터와 워크스테이션입니다.\n",
    }
}

/// `reset` failed (the lab's setup failed).
pub fn reset_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::En => format!("reset failed: {why}\n"),
        Lang::Ko => format!("랩을 되돌리지 못했습니다: {why}\n"),
    }
}

/// `help`.
pub fn help(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Lab commands: tasks (progress), hint (next hint), check (score so far), reset (start over).\nEverything else runs in the workstation shell.\n"
        }
        Lang::Ko => {
            "랩 명령: tasks (진행 상황), hint (다음 힌트), check (지금까지의 점수), reset (처음부터 다시).\n그 밖의 입력은 워크스테이션 셸에서 실행됩니다.\n"
        }
    }
}
