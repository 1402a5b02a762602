//! What curl sends as a request body: `-d/--data`, `--data-ascii`, `--data-binary`,
//! `--data-raw` (several joined with `&`, `@FILE` read from the client's files —
//! `-d` drops the file's line breaks, `--data-binary` keeps them) and
//! `-T/--upload-file FILE` (a PUT). The shell reads the named files before curl
//! runs ([`named_files`]), so the network tools need no file system of their own.

use std::collections::BTreeMap;

/// The body options curl takes, with how each reads its value.
fn kind(flag: &str) -> Option<Kind> {
    match flag {
        "-d" | "--data" | "--data-ascii" => Some(Kind::Text),
        "--data-binary" => Some(Kind::Binary),
        "--data-raw" => Some(Kind::Raw),
        "-T" | "--upload-file" => Some(Kind::Upload),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `@FILE` reads the file without its CR/LF.
    Text,
    /// `@FILE` reads the file as it is.
    Binary,
    /// No `@` processing.
    Raw,
    /// The value is a file name; the request becomes a PUT.
    Upload,
}

/// Whether `flag` takes a body value.
pub fn is_body_flag(flag: &str) -> bool {
    kind(flag).is_some()
}

/// The files curl's command line would read, in order.
pub fn named_files(args: &[String]) -> Vec<String> {
    let mut files = Vec::new();
    for pair in args.windows(2) {
        match kind(&pair[0]) {
            Some(Kind::Upload) => files.push(pair[1].clone()),
            Some(Kind::Text | Kind::Binary) => files.extend(pair[1].strip_prefix('@').map(String::from)),
            _ => {}
        }
    }
    files
}

/// The request body from the body options seen, and whether one was an upload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    parts: Vec<String>,
    pub upload: bool,
    /// curl's warnings for files it could not read (it sends nothing for them).
    pub warnings: Vec<String>,
}

impl Body {
    /// Adds the value of `flag`, reading files from `files` (what [`named_files`] named).
    pub fn add(&mut self, flag: &str, value: &str, files: &BTreeMap<String, String>) {
        let Some(kind) = kind(flag) else { return };
        let file = match kind {
            Kind::Upload => Some(value),
            Kind::Text | Kind::Binary => value.strip_prefix('@'),
            Kind::Raw => None,
        };
        let text = match file {
            None => value.to_string(),
            Some(name) => match files.get(name) {
                Some(t) if kind == Kind::Text => t.replace(['\r', '\n'], ""),
                Some(t) => t.clone(),
                None => {
                    self.warnings.push(format!("Warning: Couldn't read data from file \"{name}\", this makes an empty POST."));
                    String::new()
                }
            },
        };
        if kind == Kind::Upload {
            self.upload = true;
        }
        self.parts.push(text);
    }

    /// Whether any body option was given.
    pub fn present(&self) -> bool {
        !self.parts.is_empty()
    }

    /// The bytes sent: the values joined with `&`.
    pub fn text(&self) -> String {
        self.parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_options() {
        let args: Vec<String> = ["-d", "@pod.json", "--data-raw", "@x", "-T", "up.yaml", "--data-binary", "@b"].map(String::from).to_vec();
        assert_eq!(named_files(&args), ["pod.json", "up.yaml", "b"]);
        let files: BTreeMap<String, String> = [("pod.json".to_string(), "{\n\"a\": 1\n}\n".to_string()), ("b".to_string(), "x\ny\n".to_string())].into();
        let mut body = Body::default();
        body.add("-d", "@pod.json", &files);
        body.add("--data-raw", "@x", &files);
        body.add("--data-binary", "@b", &files);
        assert_eq!(body.text(), "{\"a\": 1}&@x&x\ny\n");
        body.add("-d", "@missing", &files);
        assert_eq!(body.warnings, ["Warning: Couldn't read data from file \"missing\", this makes an empty POST."]);
    }
}
