//! The files an image itself ships, beyond its userland's directories: the base
//! distribution's `/etc/os-release`, nginx's pages and configuration, the Kubernetes
//! Basics tutorial's `server.js`. A shell in the container (`cat`, `ls`) and exec
//! probes read them through [`super::image_view::container_fs`].

use crate::images::ImageRef;

use super::image_view::Userland;

/// `(absolute path, content)` of every file the image adds.
pub fn image_files(image: &str, userland: Userland) -> Vec<(&'static str, String)> {
    let r = ImageRef::parse(image);
    let repo = r.repository.as_str();
    let mut files = Vec::new();
    if let Some(v) = bootcamp_version(repo, &r.tag) {
        // node:6.3.1 on Debian jessie; the Dockerfile copies server.js into `/`, and
        // the image carries a core file there too (`ls /` on a real pod shows it).
        files.push(("/etc/os-release", DEBIAN_JESSIE_OS_RELEASE.to_string()));
        files.push(("/server.js", bootcamp_server_js(v)));
        files.push(("/core", String::new()));
        return files;
    }
    match userland {
        Userland::Debian => files.push(("/etc/os-release", DEBIAN_BOOKWORM_OS_RELEASE.to_string())),
        Userland::Busybox if repo != "busybox" => files.push(("/etc/os-release", ALPINE_OS_RELEASE.to_string())),
        _ => {}
    }
    if repo == "nginx" || repo == "registry.k8s.io/nginx-slim" {
        files.push(("/usr/share/nginx/html/index.html", crate::network::servers::NGINX_WELCOME.to_string()));
        files.push(("/usr/share/nginx/html/50x.html", NGINX_50X.to_string()));
        files.push(("/etc/nginx/conf.d/default.conf", NGINX_DEFAULT_CONF.to_string()));
    }
    files
}

/// The `v=N` the tutorial's image answers with, for its two repositories.
fn bootcamp_version(repo: &str, tag: &str) -> Option<u8> {
    match repo {
        "gcr.io/google-samples/kubernetes-bootcamp" => Some(1),
        "jocatalin/kubernetes-bootcamp" => Some(if tag == "v2" { 2 } else { 1 }),
        _ => None,
    }
}

/// The `ENV` lines of the bootcamp image's base (node:6.3.1), after `PATH`.
pub fn bootcamp_env(repo: &str, tag: &str) -> Option<Vec<(String, String)>> {
    bootcamp_version(repo, tag)?;
    Some(vec![("NPM_CONFIG_LOGLEVEL".into(), "info".into()), ("NODE_VERSION".into(), "6.3.1".into())])
}

/// The tutorial app's source, as `cat server.js` prints it in the container.
fn bootcamp_server_js(v: u8) -> String {
    format!(
        "var http = require('http');\nvar requests=0;\nvar podname= process.env.HOSTNAME;\nvar startTime;\nvar host;\nvar handleRequest = function(request, response) {{\n  response.setHeader('Content-Type', 'text/plain');\n  response.writeHead(200);\n  response.write(\"Hello Kubernetes bootcamp! | Running on: \");\n  response.write(host);\n  response.end(\" | v={v}\\n\");\n  console.log(\"Running On:\" ,host, \"| Total Requests:\", ++requests,\"| App Uptime:\", (new Date() - startTime)/1000 , \"seconds\", \"| Log Time:\",new Date());\n}}\nvar www = http.createServer(handleRequest);\nwww.listen(8080,function () {{\n    startTime = new Date();;\n    host = process.env.HOSTNAME;\n    console.log (\"Kubernetes Bootcamp App Started At:\",startTime, \"| Running On: \" ,host, \"\\n\" );\n}});\n"
    )
}

const DEBIAN_JESSIE_OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 8 (jessie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"8\"\nVERSION=\"8 (jessie)\"\nID=debian\nHOME_URL=\"http://www.debian.org/\"\nSUPPORT_URL=\"http://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

const DEBIAN_BOOKWORM_OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

const ALPINE_OS_RELEASE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.22.2\nPRETTY_NAME=\"Alpine Linux v3.22\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n";

const NGINX_50X: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n<p>If you are the system administrator of this resource then you should check\nthe error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n";

const NGINX_DEFAULT_CONF: &str = "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    #access_log  /var/log/nginx/host.access.log  main;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    #error_page  404              /404.html;\n\n    # redirect server error pages to the static page /50x.html\n    #\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n";
