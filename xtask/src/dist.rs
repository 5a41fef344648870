//! `cargo xtask dist`: Trunk's output made self-contained, strict and offline-capable.
//!
//! After `trunk build`, dist/ is finished here:
//! - the loader Trunk inlines into index.html (a `<script type="module">`)
//!   moves into a file of its own, `start-<hash>.js`, so the page runs no
//!   inline script and its Content-Security-Policy needs no hash or
//!   `'unsafe-inline'`;
//! - the policy ([`CSP`]) goes into index.html as a `<meta http-equiv>`,
//!   first thing after the charset, with a `<meta name="rollplan-service-worker">`
//!   that tells the app to register `sw.js` (the app skips it without: `trunk serve`);
//! - index.html is checked: no inline script, event-handler attribute,
//!   `style` attribute or element, and no URL of another origin;
//! - `analysis-worker-<hash>.js`, the analysis worker's script (template:
//!   `analysis-worker.js` beside this file), gets the name of this build's
//!   wasm-bindgen module, and a `<meta name="rollplan-analysis-worker">`
//!   names it for the app (without it the app analyses on the page's thread);
//! - `sw.js`, the service worker (template: `sw.js` beside this file), gets
//!   the list of every other file in dist/ and a version that is a hash of
//!   their contents, so a new deployment is a new worker.
//!
//! Every URL stays relative (`./…`), so dist/ works from any static file
//! host, under any sub-path.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::cmd::Result;

/// The page's Content-Security-Policy: only the app's own files, WebAssembly
/// compiled from them, no inline script or style, no other origin.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'none'";

/// The service worker's file name in dist/ (the app registers `./sw.js`).
pub const SERVICE_WORKER: &str = "sw.js";

const SW_TEMPLATE: &str = include_str!("sw.js");

const ANALYSIS_WORKER_TEMPLATE: &str = include_str!("analysis-worker.js");

/// Finishes a dist/ that `trunk build` just wrote.
pub fn finish(dist: &Path) -> Result<()> {
    let index_path = dist.join("index.html");
    let html = read_text(&index_path)?;
    let (html, loader) = move_inline_loader(&html)?;
    let loader_name = format!("start-{:016x}.js", fnv1a(loader.as_bytes(), FNV_OFFSET));
    write(&dist.join(&loader_name), loader.as_bytes())?;
    let html = html.replace(LOADER_PLACEHOLDER, &format!("./{loader_name}"));
    let worker = analysis_worker(&loader)?;
    let worker_name = format!("analysis-worker-{:016x}.js", fnv1a(worker.as_bytes(), FNV_OFFSET));
    write(&dist.join(&worker_name), worker.as_bytes())?;
    let html = insert_after_charset(&html, &worker_name)?;
    check_page(&html)?;
    write(&index_path, html.as_bytes())?;
    for css in files(dist)?
        .iter()
        .filter(|name| Path::new(name).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("css")))
    {
        check_stylesheet(css, &read_text(&dist.join(css))?)?;
    }

    let mut names = files(dist)?;
    // Precompressed copies are the same files in another encoding: the host picks one, not the page.
    names.retain(|name| name != SERVICE_WORKER && !crate::compress::is_copy(name));
    let mut contents = Vec::with_capacity(names.len());
    for name in &names {
        let path = dist.join(name);
        let bytes = std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        contents.push((name.clone(), bytes));
    }
    write(&dist.join(SERVICE_WORKER), service_worker(&contents).as_bytes())?;
    Ok(())
}

const LOADER_PLACEHOLDER: &str = "@LOADER@";

/// Takes the one inline `<script type="module">` (Trunk's loader) out of
/// `html`, leaving a `<script type="module" src="@LOADER@">` in its place;
/// returns the page and the script.
fn move_inline_loader(html: &str) -> Result<(String, String)> {
    let inline: Vec<Tag> =
        tags(html)?.into_iter().filter(|tag| tag.name == "script" && tag.attribute("src").is_none()).collect();
    let [loader] = inline.as_slice() else {
        return Err(format!(
            "index.html has {} inline scripts; expected exactly one, Trunk's loader (was dist/ finished already?)",
            inline.len()
        ));
    };
    if loader.attribute("type") != Some("module") {
        return Err("Trunk's inline loader is no longer a <script type=\"module\">".to_owned());
    }
    let (content_start, content_end, end) = loader.content.ok_or("the inline script in index.html is not closed")?;
    let page = format!(
        "{}<script type=\"module\" src=\"{LOADER_PLACEHOLDER}\"></script>{}",
        &html[..loader.start],
        &html[end..]
    );
    Ok((page, html[content_start..content_end].trim().to_owned() + "\n"))
}

/// The analysis worker's script for the build whose loader is `loader`: it
/// imports the wasm-bindgen module the loader imports.
fn analysis_worker(loader: &str) -> Result<String> {
    let glue = loader
        .lines()
        .find_map(|line| line.strip_prefix("import init, * as bindings from './")?.strip_suffix("';"))
        .filter(|glue| !glue.contains(['\'', '\\', '/']))
        .ok_or("Trunk's loader no longer starts with `import init, * as bindings from './<module>.js';`")?;
    Ok(ANALYSIS_WORKER_TEMPLATE.replace("@GLUE@", glue))
}

/// Puts the CSP, and the `<meta>`s naming the service worker and the analysis
/// worker, right after `<meta charset>` (the policy only covers what follows it).
fn insert_after_charset(html: &str, analysis_worker: &str) -> Result<String> {
    let charset = tags(html)?
        .into_iter()
        .find(|tag| tag.name == "meta" && tag.attribute("charset").is_some())
        .ok_or("index.html has no <meta charset>")?;
    Ok(format!(
        "{}\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\" />\n    <meta name=\"rollplan-service-worker\" content=\"./{SERVICE_WORKER}\" />\n    <meta name=\"rollplan-analysis-worker\" content=\"./{analysis_worker}\" />{}",
        &html[..charset.end],
        &html[charset.end..]
    ))
}

/// Refuses a page that would break the CSP or reach another origin.
fn check_page(html: &str) -> Result<()> {
    for tag in tags(html)? {
        let problem = if tag.name == "script" && tag.attribute("src").is_none() {
            Some("an inline script".to_owned())
        } else if tag.name == "style" {
            Some("a <style> element".to_owned())
        } else if let Some((name, _)) =
            tag.attributes.iter().find(|(name, _)| name.starts_with("on") || name == "style")
        {
            Some(format!("a `{name}` attribute on <{}>", tag.name))
        } else {
            tag.attributes
                .iter()
                .filter(|(name, _)| name == "src" || name == "href")
                .find(|(_, value)| is_other_origin(value))
                .map(|(name, value)| format!("{name}=\"{value}\" on <{}>, another origin", tag.name))
        };
        if let Some(problem) = problem {
            return Err(format!("dist/index.html has {problem}: the page must run only its own files under its CSP"));
        }
    }
    Ok(())
}

/// Refuses a stylesheet that loads anything from another origin (fonts, images, imports).
fn check_stylesheet(name: &str, css: &str) -> Result<()> {
    if css.contains("://") || css.contains("url(//") || css.contains("@import") {
        return Err(format!(
            "dist/{name} refers to another origin or imports a stylesheet: the app must need only its own files"
        ));
    }
    Ok(())
}

fn is_other_origin(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("//") || url.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// The service worker for a build of `files` (name, content), sorted by name.
fn service_worker(files: &[(String, Vec<u8>)]) -> String {
    let mut hash = FNV_OFFSET;
    let mut list = String::from("[\n");
    for (name, content) in files {
        hash = fnv1a(name.as_bytes(), hash);
        hash = fnv1a(&[0], hash);
        hash = fnv1a(content, hash);
        let _ = writeln!(list, "  '{}',", name.replace('\\', "\\\\").replace('\'', "\\'"));
    }
    list.push(']');
    SW_TEMPLATE.replace("@VERSION@", &format!("{hash:016x}")).replace("@FILES@", &list)
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn files(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
            let path: PathBuf = entry.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if let Ok(relative) = path.strip_prefix(root) {
                let parts: Vec<String> =
                    relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// 64-bit FNV-1a, continuing from `hash`: a stable content hash for file names
/// and versions (not for security; the standard library's hasher may change between releases).
fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// A start tag in an HTML text.
#[derive(Debug)]
struct Tag {
    /// Lower-case element name.
    name: String,
    /// Lower-case attribute names with their (unescaped as written) values.
    attributes: Vec<(String, String)>,
    /// Byte offsets of `<` and just after `>`.
    start: usize,
    end: usize,
    /// For `<script>`: its content's start and end, and the end of `</script>`.
    content: Option<(usize, usize, usize)>,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// The start tags of `html`, skipping comments, end tags and script contents:
/// enough HTML to check Trunk's output, which is well-formed.
fn tags(html: &str) -> Result<Vec<Tag>> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            at = start + rest.find("-->").ok_or("an unclosed comment in index.html")? + 3;
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") {
            at = start + rest.find('>').ok_or("an unclosed tag in index.html")? + 1;
            continue;
        }
        let mut i = start + 1;
        let name_end =
            html[i..].find(|c: char| c.is_whitespace() || c == '>' || c == '/').map_or(html.len(), |n| i + n);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() {
                return Err("an unclosed tag in index.html".to_owned());
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            let key_end = html[i..]
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .map_or(html.len(), |n| i + n);
            let key = html[i..key_end].to_ascii_lowercase();
            i = key_end;
            let value = if bytes.get(i) == Some(&b'=') {
                i += 1;
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) {
                    let close =
                        html[i + 1..].find(char::from(quote)).ok_or("an unclosed attribute value in index.html")?;
                    let value = &html[i + 1..i + 1 + close];
                    i += close + 2;
                    value
                } else {
                    let value_end =
                        html[i..].find(|c: char| c.is_whitespace() || c == '>').map_or(html.len(), |n| i + n);
                    let value = &html[i..value_end];
                    i = value_end;
                    value
                }
            } else {
                ""
            };
            attributes.push((key, value.to_owned()));
        }
        let mut tag = Tag { name, attributes, start, end: i, content: None };
        at = i;
        if tag.name == "script" {
            let close = html[i..].find("</script>").ok_or("a <script> without </script> in index.html")?;
            tag.content = Some((i, i + close, i + close + "</script>".len()));
            at = i + close + "</script>".len();
        }
        tags.push(tag);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// index.html as Trunk 0.21 writes it (abridged).
    const TRUNK_OUTPUT: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="description" content="Plan rolling upgrades: it runs entirely in the page." />
    <link rel="stylesheet" href="./style-62bf.css" integrity="sha384-kC+u"/>
    <!-- a comment with <script>not a script</script> in it -->
<script type="module">
import init, * as bindings from './rollplan-web-f851.js';
const wasm = await init({ module_or_path: './rollplan-web-f851_bg.wasm' });
</script>
  <link rel="modulepreload" href="./rollplan-web-f851.js" crossorigin="anonymous" integrity="sha384-Tpqw"></head>
  <body>
    <noscript>rollplan needs JavaScript.</noscript>
  </body>
</html>
"#;

    #[test]
    fn moves_trunks_loader_into_a_file_and_adds_the_policy() {
        let (page, loader) = move_inline_loader(TRUNK_OUTPUT).unwrap();
        assert!(loader.starts_with("import init, * as bindings from './rollplan-web-f851.js';\n"));
        assert!(loader.ends_with("'./rollplan-web-f851_bg.wasm' });\n"));
        assert!(page.contains("<script type=\"module\" src=\"@LOADER@\"></script>\n  <link rel=\"modulepreload\""));
        assert!(!page.contains("import init"));
        let page = insert_after_charset(&page, "analysis-worker-12ab.js").unwrap();
        assert!(page.contains(&format!(
            "<meta charset=\"utf-8\" />\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\" />\n    <meta name=\"rollplan-service-worker\" content=\"./sw.js\" />\n    <meta name=\"rollplan-analysis-worker\" content=\"./analysis-worker-12ab.js\" />\n    <meta name=\"description\""
        )));
        let worker = analysis_worker(&loader).unwrap();
        assert!(worker.contains("import init, { analyzeForPage } from './rollplan-web-f851.js';"), "{worker}");
        assert!(!worker.contains('@'), "every placeholder filled");
        assert!(analysis_worker("import init from 'elsewhere';").is_err());
        check_page(&page).unwrap();
        assert!(move_inline_loader(&page).unwrap_err().contains("0 inline scripts"), "finishing twice is refused");
    }

    #[test]
    fn the_policy_is_strict() {
        assert!(CSP.contains("worker-src 'self';"), "the analysis worker, and nothing else");
        assert!(!CSP.contains("unsafe-inline"));
        assert!(!CSP.contains(" 'unsafe-eval'"), "only 'wasm-unsafe-eval'");
        assert!(CSP.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!CSP.contains("http"), "no other origin");
        assert!(!CSP.contains('"'), "it goes in an attribute");
    }

    #[test]
    fn refuses_pages_that_break_the_policy() {
        let page = |body: &str| format!("<html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>");
        check_page(&page("<p class=\"x\">a > b</p><script type=\"module\" src=\"./a.js\"></script>")).unwrap();
        for (body, says) in [
            ("<script>alert(1)</script>", "an inline script"),
            ("<style>p{}</style>", "a <style> element"),
            ("<img src=x onerror=alert(1)>", "`onerror` attribute"),
            ("<p style=\"color: red\">", "`style` attribute"),
            ("<script src=\"https://cdn.example/x.js\"></script>", "another origin"),
            ("<link rel=\"stylesheet\" href=\"//fonts.example/f.css\">", "another origin"),
        ] {
            let error = check_page(&page(body)).unwrap_err();
            assert!(error.contains(says), "{body}: {error}");
        }
        check_stylesheet("style.css", "body { font: 15px system-ui; }").unwrap();
        assert!(check_stylesheet("style.css", "@font-face { src: url(https://fonts.example/f.woff2); }").is_err());
        assert!(check_stylesheet("style.css", "@import 'x.css';").is_err());
        assert!(!is_other_origin("./icon-83af.svg"));
        assert!(!is_other_origin("#plan"));
        assert!(is_other_origin("data:image/png;base64,AAAA"));
    }

    #[test]
    fn the_service_worker_lists_the_files_and_changes_with_them() {
        let files =
            vec![("index.html".to_owned(), b"<html>".to_vec()), ("style-62bf.css".to_owned(), b"body{}".to_vec())];
        let worker = service_worker(&files);
        assert!(worker.contains("const FILES = [\n  'index.html',\n  'style-62bf.css',\n];"));
        assert!(!worker.contains('@'), "every placeholder filled");
        let version =
            |worker: &str| worker.lines().find(|line| line.starts_with("const VERSION = '")).unwrap().to_owned();
        let mut changed = files.clone();
        changed[1].1 = b"body{color:red}".to_vec();
        assert_ne!(version(&worker), version(&service_worker(&changed)));
        assert_eq!(version(&worker), version(&service_worker(&files)), "deterministic");
    }

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors from the FNV reference (draft-eastlake-fnv).
        assert_eq!(fnv1a(b"", FNV_OFFSET), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar", FNV_OFFSET), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn finishes_a_dist_directory() {
        let dir = std::env::temp_dir().join(format!("rollplan-dist-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), TRUNK_OUTPUT).unwrap();
        std::fs::write(dir.join("style-62bf.css"), "body{}").unwrap();
        // A precompressed copy left from an earlier build is not the page's to fetch.
        std::fs::write(dir.join("style-62bf.css.br"), "br").unwrap();
        finish(&dir).unwrap();
        let names = files(&dir).unwrap();
        assert_eq!(names.len(), 6, "{names:?}");
        let loader = names.iter().find(|name| name.starts_with("start-")).unwrap();
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains(&format!("src=\"./{loader}\"")));
        let worker = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(worker.contains(&format!("  '{loader}',")));
        let analysis_worker = names.iter().find(|name| name.starts_with("analysis-worker-")).unwrap();
        assert!(worker.contains(&format!("  '{analysis_worker}',")), "the service worker caches the analysis worker");
        assert!(page.contains(&format!("<meta name=\"rollplan-analysis-worker\" content=\"./{analysis_worker}\" />")));
        assert!(worker.contains("  'index.html',"));
        assert!(!worker.contains("'sw.js'"));
        assert!(worker.contains("  'style-62bf.css',") && !worker.contains(".br'"), "{worker}");
        assert!(finish(&dir).is_err(), "a finished dist/ is not finished again");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
