//! kubelab patch: Go's `parse.Node.String()` forms, used for the `at <...>` part of execution
//! errors (`template: t:1:3: executing "t" at <.Values.a.b>: ...`).

use alloc::string::String;

use crate::parse::{CommandNode, Expr, Number, PipeNode};

/// The text Go prints for an expression node.
pub(crate) fn expr(e: &Expr, out: &mut String) {
    match e {
        Expr::Dot(_) => out.push('.'),
        Expr::Field(_, fields) => {
            for f in fields {
                out.push('.');
                out.push_str(f);
            }
        }
        Expr::Variable(_, name, fields) => {
            out.push_str(name);
            for f in fields {
                out.push('.');
                out.push_str(f);
            }
        }
        Expr::Identifier(_, name) => out.push_str(name),
        Expr::String(_, s) => crate::go::go_quote_into(out, s),
        Expr::Number(_, n) => {
            use core::fmt::Write;
            let _ = match n {
                Number::Int(i) => write!(out, "{i}"),
                Number::Uint(u) => write!(out, "{u}"),
                Number::Float(f) => write!(out, "{}", crate::Value::Float(*f)),
            };
        }
        Expr::Bool(_, b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Nil(_) => out.push_str("nil"),
        Expr::Pipe(_, p) => pipe(p, out),
        Expr::Chain(_, inner, fields) => {
            if matches!(inner.as_ref(), Expr::Pipe(..)) {
                out.push('(');
                expr(inner, out);
                out.push(')');
            } else {
                expr(inner, out);
            }
            for f in fields {
                out.push('.');
                out.push_str(f);
            }
        }
    }
}

/// A pipeline: `$x := a | b`.
pub(crate) fn pipe(p: &PipeNode, out: &mut String) {
    if !p.decl.is_empty() {
        for (i, d) in p.decl.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(d);
        }
        out.push_str(if p.is_assign { " = " } else { " := " });
    }
    for (i, c) in p.commands.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        command(c, out);
    }
}

/// A command: its arguments joined by spaces, pipelines in parentheses.
pub(crate) fn command(c: &CommandNode, out: &mut String) {
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if matches!(a, Expr::Pipe(..)) {
            out.push('(');
            expr(a, out);
            out.push(')');
        } else {
            expr(a, out);
        }
    }
}

/// kubelab patch: Go's parser rejects a call of a function the template does not know
/// (`template: NAME:LINE: function "x" not defined`); gotmpl only noticed at run time. Returns
/// the first unknown function name and its line.
pub(crate) fn undefined_function(
    list: &crate::parse::ListNode,
    known: &dyn Fn(&str) -> bool,
) -> Option<(String, usize)> {
    use crate::parse::Node;
    for node in &list.nodes {
        let found = match node {
            Node::List(l) => undefined_function(l, known),
            Node::Action(a) => in_pipe(&a.pipe, known),
            Node::If(b) | Node::Range(b) | Node::With(b) => in_pipe(&b.pipe, known)
                .or_else(|| undefined_function(&b.body, known))
                .or_else(|| b.else_body.as_ref().and_then(|e| undefined_function(e, known))),
            Node::Template(t) => t.pipe.as_ref().and_then(|p| in_pipe(p, known)),
            Node::Define(d) => undefined_function(&d.body, known),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn in_pipe(p: &PipeNode, known: &dyn Fn(&str) -> bool) -> Option<(String, usize)> {
    for c in &p.commands {
        for a in &c.args {
            if let Some(f) = in_expr(a, known) {
                return Some(f);
            }
        }
    }
    None
}

fn in_expr(e: &Expr, known: &dyn Fn(&str) -> bool) -> Option<(String, usize)> {
    match e {
        Expr::Identifier(pos, name) if !known(name) => Some((name.to_string(), pos.line)),
        Expr::Pipe(_, p) => in_pipe(p, known),
        Expr::Chain(_, inner, _) => in_expr(inner, known),
        _ => None,
    }
}
