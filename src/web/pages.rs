//! The pages of `kubelab web`: the lab list (with the join form), a lab page (intro and tasks
//! from Markdown, hint and Check buttons, the terminal) and the instructor's grid. Plain HTML;
//! the page's behaviour is `web/app.js`. Every text from a lab or a student is escaped; raw HTML
//! inside a lab's Markdown is shown as text.

use pulldown_cmark::{Event, Options, Parser, html};

use crate::lab::Lab;
use crate::runner::grade::Grade;

/// `s` with HTML's special characters escaped (for text and attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown to HTML (CommonMark with tables and strikethrough); raw HTML becomes text.
pub fn markdown(text: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// A task title: Markdown inline (the paragraph around it dropped).
fn inline(text: &str) -> String {
    let h = markdown(text);
    h.trim()
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .map(str::to_string)
        .unwrap_or(h)
}

fn page(title: &str, body: &str, scripts: &[&str]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"/assets/style.css\">\n",
        esc(title)
    );
    for src in scripts {
        if src.ends_with(".css") {
            s.push_str(&format!("<link rel=\"stylesheet\" href=\"{src}\">\n"));
        } else {
            s.push_str(&format!("<script src=\"{src}\" defer></script>\n"));
        }
    }
    s.push_str("</head>\n<body>\n");
    s.push_str(body);
    s.push_str("</body>\n</html>\n");
    s
}

/// The lab list; `student` is the name of the student the cookie names, if any.
pub fn index(labs: &[(String, String)], student: Option<&str>) -> String {
    let mut b = String::from("<main class=\"narrow\">\n<h1>kubelab</h1>\n");
    match student {
        Some(n) => b.push_str(&format!(
            "<p class=\"who\">Signed in as <b>{}</b>.</p>\n",
            esc(n)
        )),
        None => b.push_str(
            "<form method=\"post\" action=\"/join\" class=\"join\">\n\
             <label>Your name <input name=\"name\" required maxlength=\"64\" autofocus></label>\n\
             <button type=\"submit\">Join</button>\n</form>\n",
        ),
    }
    b.push_str("<ul class=\"labs\">\n");
    for (name, title) in labs {
        b.push_str(&format!(
            "<li><a href=\"/labs/{}\">{}</a> <span class=\"file\">{}.lab</span></li>\n",
            esc(name),
            esc(title),
            esc(name)
        ));
    }
    b.push_str("</ul>\n</main>\n");
    page("kubelab", &b, &[])
}

/// A lab's page: its texts and the terminal.
pub fn lab(name: &str, lab: &Lab) -> String {
    let mut b = format!(
        "<div class=\"lab\" data-lab=\"{}\">\n<section class=\"text\">\n\
         <p class=\"back\"><a href=\"/\">&larr; labs</a></p>\n<h1>{}</h1>\n",
        esc(name),
        esc(&lab.title)
    );
    if let Some(i) = &lab.intro {
        b.push_str(&format!("<div class=\"intro\">{}</div>\n", markdown(i)));
    }
    b.push_str("<ol class=\"tasks\">\n");
    for (i, t) in lab.tasks.iter().enumerate() {
        let n = i + 1;
        let points: u32 = lab
            .checks
            .iter()
            .filter(|c| c.task == Some(i))
            .map(|c| c.points)
            .sum();
        b.push_str(&format!(
            "<li class=\"task\" data-task=\"{n}\">\n<div class=\"title\">{} \
             <span class=\"score\" data-points=\"{points}\">(0/{points})</span></div>\n\
             <div class=\"buttons\">",
            inline(&t.title)
        ));
        if !t.hints.is_empty() {
            b.push_str(&format!(
                "<button class=\"hint\" data-task=\"{n}\">Hint</button> "
            ));
        }
        if points > 0 {
            b.push_str(&format!(
                "<button class=\"check\" data-task=\"{n}\">Check</button>"
            ));
        }
        b.push_str("</div>\n<div class=\"hints\"></div>\n<ul class=\"checks\"></ul>\n</li>\n");
    }
    b.push_str("</ol>\n");
    b.push_str(&format!(
        "<p class=\"total\">Total: <span id=\"total\">–</span> / {} \
         <button class=\"check\" data-task=\"all\">Check all</button></p>\n",
        lab.total_points()
    ));
    b.push_str(
        "</section>\n<section class=\"term\"><div id=\"terminal\"></div>\
         <p class=\"status\" id=\"status\">connecting…</p></section>\n</div>\n",
    );
    page(
        &lab.title,
        &b,
        &[
            "/assets/xterm/xterm.css",
            "/assets/xterm/xterm.js",
            "/assets/app.js",
        ],
    )
}

/// A lab on the instructor's page: its name, the lab, and each session's id and grade.
pub type LabGrades = (String, Lab, Vec<(i64, Grade)>);

/// The instructor's page: each lab's roster × tasks grid, with the export links.
pub fn instructor(labs: &[LabGrades], token: &str) -> String {
    let mut b = String::from("<main>\n<h1>kubelab: the class</h1>\n");
    for (name, lab, grades) in labs {
        b.push_str(&format!(
            "<h2>{} <span class=\"file\">{}.lab</span></h2>\n<p class=\"exports\">",
            esc(&lab.title),
            esc(name)
        ));
        for (ext, label) in [("json", "JSON"), ("csv", "CSV"), ("xml", "JUnit")] {
            b.push_str(&format!(
                "<a href=\"/api/instructor/labs/{}/grades.{ext}?token={}\">{label}</a> ",
                esc(name),
                esc(token)
            ));
        }
        b.push_str("</p>\n");
        if grades.is_empty() {
            b.push_str("<p>No student has opened this lab.</p>\n");
            continue;
        }
        b.push_str("<table class=\"grid\">\n<tr><th>student</th>");
        for (i, t) in lab.tasks.iter().enumerate() {
            b.push_str(&format!("<th title=\"{}\">{}</th>", esc(&t.title), i + 1));
        }
        b.push_str("<th>total</th></tr>\n");
        for (id, g) in grades {
            b.push_str(&format!(
                "<tr><td><a href=\"/api/instructor/sessions/{id}/record?token={}\">{}</a></td>",
                esc(token),
                esc(&g.session)
            ));
            for i in 0..lab.tasks.len() {
                let (e, p) = g
                    .checks
                    .iter()
                    .filter(|c| c.task == Some(i + 1))
                    .fold((0, 0), |(e, p), c| (e + c.earned, p + c.points));
                let class = if p > 0 && e == p { "done" } else { "" };
                b.push_str(&format!("<td class=\"{class}\">{e}/{p}</td>"));
            }
            b.push_str(&format!("<td>{}/{}</td></tr>\n", g.earned, g.total));
        }
        b.push_str("</table>\n");
    }
    b.push_str("</main>\n");
    page("kubelab: the class", &b, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_raw_html_is_text() {
        assert_eq!(
            markdown("Run `kubectl get pods` — **파드** 확인\n\n<script>x</script>\n"),
            "<p>Run <code>kubectl get pods</code> — <strong>파드</strong> 확인</p>\n&lt;script&gt;x&lt;/script&gt;\n"
        );
        assert_eq!(inline("Scale `web` to 3"), "Scale <code>web</code> to 3");
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_lab_page_has_its_tasks_buttons_and_points() {
        let l = crate::lab::load("labs/pause-resume.lab").unwrap();
        let p = lab("pause-resume", &l);
        assert!(p.contains("data-lab=\"pause-resume\""), "{p}");
        assert!(
            p.contains(&format!("/ {} <button", l.total_points())),
            "{p}"
        );
        assert!(
            p.contains("<button class=\"check\" data-task=\"1\">Check</button>"),
            "{p}"
        );
        assert!(!p.contains("https://"), "no outside requests: {p}");
    }
}
