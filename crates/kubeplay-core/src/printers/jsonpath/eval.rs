//! Evaluation of a parsed JSONPath template over an unstructured object, as
//! client-go's jsonpath.go does it over `map[string]interface{}`: the same result
//! lists, the same `range`/`end` bookkeeping, the same errors.
//!
//! Go distinguishes a JSON `null` found in a map or list (a nil interface: skipped by
//! most steps, printed as `null`) from "no value at all" (`reflect.ValueOf(nil)`, what
//! a `range` over nothing evaluates against); [`Val`] keeps that distinction.

use std::borrow::Cow;

use serde_json::Value;

use super::parser::{Node, Param};
use crate::printers::go_format::{go_type, sprint};

/// One value flowing through the evaluation.
#[derive(Clone, Debug)]
pub enum Val<'a> {
    /// `reflect.ValueOf(nil)`: no value.
    Invalid,
    Json(Cow<'a, Value>),
}

impl<'a> Val<'a> {
    fn borrowed(v: &'a Value) -> Val<'a> {
        Val::Json(Cow::Borrowed(v))
    }

    /// `template.Indirect`: the value, or `None` for a nil interface (JSON null).
    fn indirect(&self) -> Option<&Value> {
        match self {
            Val::Json(v) if v.is_null() => None,
            Val::Json(v) => Some(v),
            Val::Invalid => None,
        }
    }

    pub fn json(&self) -> Option<&Value> {
        match self {
            Val::Json(v) => Some(v),
            Val::Invalid => None,
        }
    }

    /// Re-roots a range item (`value.Interface()` then `reflect.ValueOf`): a null
    /// item becomes no value at all.
    fn reroot(self) -> Val<'a> {
        match self {
            Val::Json(v) if v.is_null() => Val::Invalid,
            v => v,
        }
    }
}

/// The evaluator's state: the range bookkeeping of Go's `JSONPath` struct.
pub struct Evaluator<'n> {
    nodes: &'n [Node],
    allow_missing_keys: bool,
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    last_end_node: Option<usize>,
}

impl<'n> Evaluator<'n> {
    pub fn new(nodes: &'n [Node], allow_missing_keys: bool) -> Self {
        Evaluator { nodes, allow_missing_keys, begin_range: 0, in_range: 0, end_range: 0, last_end_node: None }
    }

    /// `FindResults`: one result list per top-level node (and per range iteration).
    pub fn find_results<'a>(&mut self, data: Val<'a>) -> Result<Vec<Vec<Val<'a>>>, String> {
        self.find_from(data, 0)
    }

    fn find_from<'a>(&mut self, data: Val<'a>, start: usize) -> Result<Vec<Vec<Val<'a>>>, String> {
        let nodes = self.nodes;
        let cur = vec![data];
        let mut full = Vec::new();
        let mut i = start;
        while i < nodes.len() {
            let results = self.walk(&cur, &nodes[i])?;
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end_node = Some(i);
                break;
            }
            if self.begin_range > 0 {
                self.begin_range -= 1;
                self.in_range += 1;
                if !results.is_empty() {
                    for value in results {
                        let next = self.find_from(value.reroot(), i + 1)?;
                        full.extend(next);
                    }
                } else {
                    self.find_from(Val::Invalid, i + 1)?;
                }
                self.in_range -= 1;
                // Resume after the end node the range stopped at.
                if let Some(end) = self.last_end_node.filter(|&e| e > i) {
                    i = end;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk<'a>(&mut self, input: &[Val<'a>], node: &Node) -> Result<Vec<Val<'a>>, String> {
        match node {
            Node::List(list) => self.eval_list(input, list),
            Node::Text(t) => Ok(vec![Val::Json(Cow::Owned(Value::String(t.clone())))]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(i) => Ok(input.iter().map(|_| Val::Json(Cow::Owned(Value::from(*i)))).collect()),
            Node::Float(f) => Ok(input.iter().map(|_| Val::Json(Cow::Owned(Value::from(*f)))).collect()),
            Node::Bool(b) => Ok(input.iter().map(|_| Val::Json(Cow::Owned(Value::Bool(*b)))).collect()),
            Node::Wildcard => Ok(eval_wildcard(input)),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for list in lists {
                    out.extend(self.eval_list(input, list)?);
                }
                Ok(out)
            }
            Node::Identifier(name) => self.eval_identifier(input, name),
        }
    }

    fn eval_list<'a>(&mut self, input: &[Val<'a>], list: &[Node]) -> Result<Vec<Val<'a>>, String> {
        let mut cur = input.to_vec();
        for node in list {
            cur = self.walk(&cur, node)?;
        }
        Ok(cur)
    }

    fn eval_identifier<'a>(&mut self, input: &[Val<'a>], name: &str) -> Result<Vec<Val<'a>>, String> {
        match name {
            "range" => {
                self.begin_range += 1;
                Ok(input.to_vec())
            }
            "end" => {
                if self.in_range > 0 {
                    self.end_range += 1;
                    Ok(Vec::new())
                } else {
                    Err("not in range, nothing to end".into())
                }
            }
            _ => Err(format!("unrecognized identifier {name}")),
        }
    }

    fn eval_field<'a>(&mut self, input: &[Val<'a>], name: &str) -> Result<Vec<Val<'a>>, String> {
        let mut results = Vec::new();
        if input.is_empty() {
            return Ok(results);
        }
        for v in input {
            match v {
                Val::Json(Cow::Borrowed(Value::Object(m))) => results.extend(m.get(name).map(Val::borrowed)),
                Val::Json(Cow::Owned(Value::Object(m))) => results.extend(m.get(name).cloned().map(|f| Val::Json(Cow::Owned(f)))),
                _ => {}
            }
        }
        if results.is_empty() {
            if self.allow_missing_keys {
                return Ok(results);
            }
            return Err(format!("{name} is not found"));
        }
        Ok(results)
    }

    fn eval_filter<'a>(&mut self, input: &[Val<'a>], left: &[Node], right: &[Node], op: &str) -> Result<Vec<Val<'a>>, String> {
        let mut results = Vec::new();
        for v in input {
            let items: Vec<Val<'a>> = match v {
                Val::Json(Cow::Borrowed(Value::Array(items))) => items.iter().map(Val::borrowed).collect(),
                Val::Json(Cow::Owned(Value::Array(items))) => items.iter().cloned().map(|i| Val::Json(Cow::Owned(i))).collect(),
                Val::Json(other) => return Err(format!("{} is not array or slice and cannot be filtered", sprint(other))),
                Val::Invalid => return Err("<invalid reflect.Value> is not array or slice and cannot be filtered".into()),
            };
            for item in items {
                let one = [item.clone()];
                let lefts = self.eval_list(&one, left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        results.push(item);
                    }
                    continue;
                }
                let lefts = lefts?;
                match lefts.len() {
                    0 => continue,
                    1 => {}
                    _ => return Err("can only compare one element at a time".into()),
                }
                let rights = self.eval_list(&one, right)?;
                match rights.len() {
                    0 => continue,
                    1 => {}
                    _ => return Err("can only compare one element at a time".into()),
                }
                let pass = compare(op, &lefts[0], &rights[0])?;
                if pass {
                    results.push(item);
                }
            }
        }
        Ok(results)
    }
}

fn eval_array<'a>(input: &[Val<'a>], node_params: &[Param; 3]) -> Result<Vec<Val<'a>>, String> {
    let mut result = Vec::new();
    for v in input {
        let Some(value) = v.indirect() else {
            if matches!(v, Val::Invalid) {
                return Err("<invalid Value> is not array or slice".into());
            }
            continue;
        };
        let Value::Array(items) = value else {
            return Err(format!("{} is not array or slice", go_type(value)));
        };
        let len = items.len() as i64;
        let mut params = *node_params;
        if !params[0].known {
            params[0].value = 0;
        }
        if params[0].value < 0 {
            params[0].value = params[0].value.wrapping_add(len);
        }
        if !params[1].known {
            params[1].value = len;
        }
        if params[1].value < 0 || (params[1].value == 0 && params[1].derived) {
            params[1].value = params[1].value.wrapping_add(len);
        }
        if params[1].value != params[0].value {
            if params[0].value >= len || params[0].value < 0 {
                return Err(format!("array index out of bounds: index {}, length {len}", params[0].value));
            }
            if params[1].value > len || params[1].value < 0 {
                return Err(format!("array index out of bounds: index {}, length {len}", params[1].value.wrapping_sub(1)));
            }
            if params[0].value > params[1].value {
                return Err(format!("starting index {} is greater than ending index {}", params[0].value, params[1].value));
            }
        } else {
            return Ok(result);
        }
        let mut step = 1;
        if params[2].known {
            if params[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            step = params[2].value as usize;
        }
        let (from, to) = (params[0].value as usize, params[1].value as usize);
        for idx in (from..to).step_by(step) {
            result.push(element(v, idx));
        }
    }
    Ok(result)
}

/// The `idx`-th element of an array value, borrowing when the array is borrowed.
fn element<'a>(v: &Val<'a>, idx: usize) -> Val<'a> {
    match v {
        Val::Json(Cow::Borrowed(Value::Array(items))) => items.get(idx).map(Val::borrowed).unwrap_or(Val::Invalid),
        Val::Json(Cow::Owned(Value::Array(items))) => items.get(idx).cloned().map(|i| Val::Json(Cow::Owned(i))).unwrap_or(Val::Invalid),
        _ => Val::Invalid,
    }
}

/// The children of a map (in key order), list or string, as `*` and `..` see them.
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    match v {
        Val::Json(Cow::Borrowed(b)) => match b {
            Value::Object(m) => m.values().map(Val::borrowed).collect(),
            Value::Array(a) => a.iter().map(Val::borrowed).collect(),
            Value::String(s) => s.bytes().map(|b| Val::Json(Cow::Owned(Value::from(b)))).collect(),
            _ => Vec::new(),
        },
        Val::Json(Cow::Owned(o)) => match o {
            Value::Object(m) => m.values().cloned().map(|i| Val::Json(Cow::Owned(i))).collect(),
            Value::Array(a) => a.iter().cloned().map(|i| Val::Json(Cow::Owned(i))).collect(),
            Value::String(s) => s.bytes().map(|b| Val::Json(Cow::Owned(Value::from(b)))).collect(),
            _ => Vec::new(),
        },
        Val::Invalid => Vec::new(),
    }
}

fn eval_wildcard<'a>(input: &[Val<'a>]) -> Vec<Val<'a>> {
    input.iter().filter(|v| v.indirect().is_some()).flat_map(children).collect()
}

fn eval_recursive<'a>(input: &[Val<'a>]) -> Vec<Val<'a>> {
    let mut result = Vec::new();
    // Depth-first, each value before its descendants, as Go's recursion orders them.
    let mut stack: Vec<(Vec<Val<'a>>, usize)> = vec![(input.to_vec(), 0)];
    while let Some((level, next)) = stack.last_mut() {
        let Some(v) = level.get(*next).cloned() else {
            stack.pop();
            continue;
        };
        *next += 1;
        if v.indirect().is_none() {
            continue;
        }
        let kids = children(&v);
        if !kids.is_empty() {
            result.push(v);
            stack.push((kids, 0));
        }
    }
    result
}

/// The kinds Go's template comparison functions know.
enum Basic<'v> {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'v str),
}

fn basic<'v>(v: &'v Val) -> Result<Basic<'v>, String> {
    match v.json() {
        Some(Value::Bool(b)) => Ok(Basic::Bool(*b)),
        Some(Value::Number(n)) if n.is_i64() => Ok(Basic::Int(n.as_i64().unwrap_or(0))),
        Some(Value::Number(n)) if n.is_u64() => Ok(Basic::Uint(n.as_u64().unwrap_or(0))),
        Some(Value::Number(n)) => Ok(Basic::Float(n.as_f64().unwrap_or(0.0))),
        Some(Value::String(s)) => Ok(Basic::Str(s)),
        _ => Err("invalid type for comparison".into()),
    }
}

const INCOMPATIBLE: &str = "incompatible types for comparison";

fn equal(a: &Val, b: &Val) -> Result<bool, String> {
    let (x, y) = (basic(a)?, basic(b)?);
    Ok(match (x, y) {
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Uint(x), Basic::Uint(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Str(x), Basic::Str(y)) => x == y,
        (Basic::Int(x), Basic::Uint(y)) | (Basic::Uint(y), Basic::Int(x)) => x >= 0 && x as u64 == y,
        _ => return Err(INCOMPATIBLE.into()),
    })
}

fn less(a: &Val, b: &Val) -> Result<bool, String> {
    let (x, y) = (basic(a)?, basic(b)?);
    Ok(match (x, y) {
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        (Basic::Int(x), Basic::Uint(y)) => x < 0 || (x as u64) < y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x < y as u64,
        (Basic::Bool(_), Basic::Bool(_)) => return Err("invalid type for comparison".into()),
        _ => return Err(INCOMPATIBLE.into()),
    })
}

fn compare(op: &str, l: &Val, r: &Val) -> Result<bool, String> {
    match op {
        "<" => less(l, r),
        ">" => {
            let le = less(l, r)? || equal(l, r)?;
            Ok(!le)
        }
        "==" => equal(l, r),
        "!=" => equal(l, r).map(|e| !e),
        "<=" => Ok(less(l, r)? || equal(l, r)?),
        ">=" => less(l, r).map(|lt| !lt),
        _ => Err(format!("unrecognized filter operator {op}")),
    }
}
