//! `--sort-by=<jsonpath>` (kubectl/pkg/cmd/get/sorter.go): objects ordered by the
//! first value the path finds in each, compared as Go's `isLess` compares
//! unstructured values — numbers as numbers, strings that both parse as quantities
//! (`100m` < `1`) as quantities, other strings bytewise; objects without the field
//! sort first.

use std::cmp::Ordering;

use serde_json::Value;

use super::custom_columns::relaxed_jsonpath;
use super::jsonpath::JsonPath;
use super::quantity::Quantity;

/// The field a `--sort-by` value names, as the sorters parse it.
pub struct SortBy {
    field: String,
    path: JsonPath,
}

impl SortBy {
    pub fn parse(expr: &str) -> Result<SortBy, String> {
        let field = relaxed_jsonpath(expr).unwrap_or_else(|_| expr.to_string());
        let path = JsonPath::parse(&field).map_err(|e| format!("sorting error: {e}"))?.allow_missing_keys(true);
        Ok(SortBy { field, path })
    }

    /// The sort keys of `objects`, or kubectl's error when no object has the field.
    /// Sorting `objects` by the returned keys with [`SortBy::order`] gives kubectl's
    /// order.
    pub fn keys(&self, objects: &[&Value]) -> Result<Vec<Option<Value>>, String> {
        let mut keys = Vec::with_capacity(objects.len());
        for obj in objects {
            let results = self.path.find_results(obj)?;
            let first = results.first().and_then(|r| r.first()).map(|v| v.json().cloned().unwrap_or(Value::Null));
            keys.push(first);
        }
        if !objects.is_empty() && keys.iter().all(Option::is_none) {
            return Err(format!("couldn't find any field with path {} in the list of objects", crate::printers::go_format::go_quote(&self.field)));
        }
        Ok(keys)
    }

    /// The permutation of `0..keys.len()` that Go's `sort.Sort` with kubectl's
    /// `Less` produces (not stable beyond twelve items, exactly as kubectl).
    pub fn order(keys: &[Option<Value>]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        super::go_sort::sort_by_less(&mut idx, |&a, &b| runtime_less(&keys[a], &keys[b]));
        idx
    }

    /// Sorts `items` by the field of their JSON (`json_of`).
    pub fn sort<T>(&self, items: &mut Vec<T>, json_of: impl Fn(&T) -> Option<&Value>) -> Result<(), String> {
        let null = Value::Null;
        let objs: Vec<&Value> = items.iter().map(|i| json_of(i).unwrap_or(&null)).collect();
        let keys = self.keys(&objs)?;
        let order = Self::order(&keys);
        let mut taken: Vec<Option<T>> = items.drain(..).map(Some).collect();
        for i in order {
            if let Some(t) = taken[i].take() {
                items.push(t);
            }
        }
        Ok(())
    }
}

/// `RuntimeSort.Less`: an object without the field is less than anything (even
/// another without it).
fn runtime_less(a: &Option<Value>, b: &Option<Value>) -> bool {
    match (a, b) {
        (None, _) => true,
        (_, None) => false,
        (Some(x), Some(y)) => is_less(x, y),
    }
}

/// `isLess` for two unstructured values (interface kinds).
fn is_less(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => false,
        (Value::Null, _) => true,
        (_, Value::Null) => false,
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x < y,
            _ => x.as_f64().unwrap_or(0.0) < y.as_f64().unwrap_or(0.0),
        },
        (Value::String(x), Value::String(y)) => match (Quantity::parse(x), Quantity::parse(y)) {
            (Some(qx), Some(qy)) => qx.compare(&qy) == Ordering::Less,
            _ => x < y,
        },
        // Go stops with "unsortable type"; keeping the order is the kind answer.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_like_kubectl() {
        let mut items = vec![json!({"n": "b", "cpu": "1"}), json!({"n": "a", "cpu": "100m"}), json!({"x": 1}), json!({"n": "c", "cpu": "250m"})];
        SortBy::parse(".n").unwrap().sort(&mut items, |v| Some(v)).unwrap();
        assert_eq!(items.iter().map(|v| v["n"].as_str().unwrap_or("-")).collect::<Vec<_>>(), ["-", "a", "b", "c"]);
        SortBy::parse("{.cpu}").unwrap().sort(&mut items, |v| Some(v)).unwrap();
        assert_eq!(items.iter().map(|v| v["cpu"].as_str().unwrap_or("-")).collect::<Vec<_>>(), ["-", "100m", "250m", "1"]);
        let err = SortBy::parse(".nope").unwrap().sort(&mut items, |v| Some(v)).unwrap_err();
        assert_eq!(err, "couldn't find any field with path \"{.nope}\" in the list of objects");
    }
}
