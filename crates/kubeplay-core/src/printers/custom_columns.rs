//! `-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE`
//! (kubectl/pkg/cmd/get/customcolumn.go): headers as typed, one row per object, each
//! cell the JSONPath results joined by `,` (Go `fmt.Sprint` of each), `<none>` when a
//! path finds nothing, aligned by kubectl's table writer.

use serde_json::Value;

use super::go_format::sprint;
use super::jsonpath::JsonPath;
use super::table::get_table;

/// One user column.
#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    /// The JSONPath template (`{.metadata.name}`).
    pub field_spec: String,
    path: JsonPath,
}

#[derive(Clone, Debug)]
pub struct CustomColumns {
    pub columns: Vec<Column>,
    pub no_headers: bool,
}

/// `RelaxedJSONPathExpression`: accepts `metadata.name`, `.metadata.name`,
/// `{metadata.name}` and `{.metadata.name}`, returning `{.metadata.name}`.
pub fn relaxed_jsonpath(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    // ^\{\.?([^{}]+)\}$|^\.?([^{}]+)$ : the optional dot is dropped only if
    // something is left after it.
    let body = expr.strip_prefix('{').and_then(|b| b.strip_suffix('}')).filter(|b| !b.is_empty() && !b.contains(['{', '}']));
    let body = match body {
        Some(b) => b,
        None if !expr.contains(['{', '}']) => expr,
        None => return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into()),
    };
    let inner = body.strip_prefix('.').filter(|rest| !rest.is_empty()).unwrap_or(body);
    Ok(format!("{{.{inner}}}"))
}

fn column(header: &str, spec: &str) -> Result<Column, String> {
    let field_spec = relaxed_jsonpath(spec)?;
    let path = JsonPath::parse(&field_spec)?.allow_missing_keys(true);
    Ok(Column { header: header.to_string(), field_spec, path })
}

impl CustomColumns {
    /// `NewCustomColumnsPrinterFromSpec`.
    pub fn from_spec(spec: &str, no_headers: bool) -> Result<CustomColumns, String> {
        if spec.is_empty() {
            return Err("custom-columns format specified but no custom columns given".into());
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
            };
            columns.push(column(header, path)?);
        }
        Ok(CustomColumns { columns, no_headers })
    }

    /// `NewCustomColumnsPrinterFromTemplate`: a header line and a spec line, each
    /// split at whitespace. Headers are always printed, as in kubectl.
    pub fn from_template(text: &str) -> Result<CustomColumns, String> {
        let mut lines = text.lines();
        let headers: Vec<&str> = lines
            .next()
            .ok_or("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.")?
            .split_whitespace()
            .collect();
        let specs: Vec<&str> = lines
            .next()
            .ok_or("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.")?
            .split_whitespace()
            .collect();
        if headers.len() != specs.len() {
            return Err(format!("number of headers ({}) and field specifications ({}) don't match", headers.len(), specs.len()));
        }
        let columns = headers.iter().zip(&specs).map(|(h, s)| column(h, s)).collect::<Result<_, _>>()?;
        Ok(CustomColumns { columns, no_headers: false })
    }

    /// The table for `objects` (the items of a list, or the one object).
    pub fn print(&self, objects: &[&Value]) -> Result<String, String> {
        let mut lines = Vec::with_capacity(objects.len() + 1);
        if !self.no_headers {
            lines.push(self.columns.iter().map(|c| c.header.as_str()).collect::<Vec<_>>().join("\t"));
        }
        for obj in objects {
            let mut cells = Vec::with_capacity(self.columns.len());
            for c in &self.columns {
                let results = c.path.find_results(obj)?;
                let mut values: Vec<String> = Vec::new();
                if results.first().is_none_or(|r| r.is_empty()) {
                    values.push("<none>".into());
                }
                for list in &results {
                    for v in list {
                        values.push(match v.json() {
                            Some(j) => sprint(j),
                            None => "<nil>".into(),
                        });
                    }
                }
                cells.push(values.join(","));
            }
            lines.push(cells.join("\t"));
        }
        Ok(get_table(&lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relaxed_paths() {
        for e in ["metadata.name", ".metadata.name", "{metadata.name}", "{.metadata.name}"] {
            assert_eq!(relaxed_jsonpath(e).unwrap(), "{.metadata.name}");
        }
        assert!(relaxed_jsonpath("{.a}{.b}").is_err());
    }

    #[test]
    fn columns_with_none_and_joined_values() {
        let a = json!({"metadata": {"name": "a", "labels": {"run": "a"}}, "spec": {"containers": [{"image": "nginx"}, {"image": "redis"}]}});
        let b = json!({"metadata": {"name": "bb"}, "spec": {"containers": []}});
        let cc = CustomColumns::from_spec("NAME:.metadata.name,IMAGES:.spec.containers[*].image,LABELS:.metadata.labels,X:nope", false).unwrap();
        assert_eq!(
            cc.print(&[&a, &b]).unwrap(),
            "NAME   IMAGES        LABELS       X\na      nginx,redis   map[run:a]   <none>\nbb     <none>        <none>       <none>\n"
        );
        let no_headers = CustomColumns::from_spec("N:metadata.name", true).unwrap();
        assert_eq!(no_headers.print(&[&a]).unwrap(), "a\n");
    }

    #[test]
    fn spec_errors() {
        assert_eq!(CustomColumns::from_spec("", false).unwrap_err(), "custom-columns format specified but no custom columns given");
        assert_eq!(CustomColumns::from_spec("NAME", false).unwrap_err(), "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>");
        let t = CustomColumns::from_template("NAME   IMAGE\n.metadata.name .spec.containers[0].image\n").unwrap();
        assert_eq!(t.columns[1].field_spec, "{.spec.containers[0].image}");
        assert_eq!(CustomColumns::from_template("A B\n.x\n").unwrap_err(), "number of headers (2) and field specifications (1) don't match");
    }
}
