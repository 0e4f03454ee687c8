//! Shrinking the widget's wasm-bindgen glue together with its wasm.
//!
//! wasm-bindgen names every import after the JS it calls plus a 16-digit hash
//! (`__wbg_activeElement_6c30fe7fda33ef51`) and keeps Rust-flavoured export names: about
//! 140 long, barely compressible names, each written twice (the wasm's import/export
//! section and the glue). wasm-opt's `--minify-imports-and-exports-and-modules` renames
//! them all to one- or two-letter names (and the import module to one letter) and prints
//! the mapping; [`rename`] applies that mapping to the glue and to its type declarations.
//! terser then minifies the glue; [`check`] instantiates the result under Node so a
//! mismatch fails the build rather than the shopper's page.
//!
//! Nothing else of the generated glue is changed: [`rename`] only swaps whole identifier
//! tokens the mapping names, and fails when an import key is not found exactly once or a
//! `wasm.` use names no export (it fails closed).

use std::collections::HashMap;
use std::path::Path;

use crate::util::{cmd, output};

/// wasm-opt's renames: imports (`(module, name)` → name), exports (name → name) and the
/// single module every import moves to.
#[derive(Debug, Default)]
pub struct Mapping {
    /// Original import name → minified name.
    pub imports: HashMap<String, String>,
    /// The original import module names (wasm-bindgen uses one: `./<out-name>_bg.js`).
    pub modules: Vec<String>,
    /// Original export name → minified name.
    pub exports: HashMap<String, String>,
}

/// The module name binaryen gives every import with `--minify-imports-and-exports-and-modules`.
pub const MINIFIED_MODULE: &str = "a";

/// Parses the JSON mapping wasm-opt prints on stdout:
/// `{"imports": [[module, name, new], ...], "exports": [[name, new], ...]}`.
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
    let value: serde_json::Value = serde_json::from_str(text.trim())
        .map_err(|e| format!("wasm-opt's import/export mapping is not JSON ({e}): {text}"))?;
    let rows = |key: &str, width: usize| -> Result<Vec<Vec<String>>, String> {
        let list = value
            .get(key)
            .and_then(|v| v.as_array())
            .ok_or_else(|| format!("wasm-opt's mapping has no `{key}` list"))?;
        list.iter()
            .map(|row| {
                let cells: Option<Vec<String>> = row
                    .as_array()
                    .filter(|cells| cells.len() == width)
                    .map(|cells| {
                        cells
                            .iter()
                            .filter_map(|c| c.as_str().map(str::to_string))
                            .collect()
                    });
                cells
                    .filter(|cells| cells.len() == width)
                    .ok_or_else(|| format!("wasm-opt's `{key}` row {row} is not {width} strings"))
            })
            .collect()
    };
    let mut mapping = Mapping::default();
    for row in rows("imports", 3)? {
        let [module, name, new] = <[String; 3]>::try_from(row).unwrap_or_default();
        if !mapping.modules.contains(&module) {
            mapping.modules.push(module);
        }
        mapping.imports.insert(name, checked_name(new)?);
    }
    for row in rows("exports", 2)? {
        let [name, new] = <[String; 2]>::try_from(row).unwrap_or_default();
        mapping.exports.insert(name, checked_name(new)?);
    }
    Ok(mapping)
}

fn checked_name(name: String) -> Result<String, String> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(is_ident_char);
    if ok {
        Ok(name)
    } else {
        Err(format!("minified name `{name}` is not a JS identifier"))
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Applies the mapping to wasm-bindgen's `--target web` glue:
///
/// * import keys (`name: function(...)` in `__wbg_get_imports`) — each exactly once;
/// * the import module key (`"./widget_bg.js": import0`) — exactly once;
/// * export uses (`wasm.name`).
///
/// Fails when an import is missing or when a `wasm.` use of an unknown export is left.
pub fn rename(js: &str, mapping: &Mapping) -> Result<String, String> {
    let mut js = js.to_string();
    for module in &mapping.modules {
        let quoted = format!("\"{module}\":");
        match js.matches(&quoted).count() {
            1 => js = js.replace(&quoted, &format!("\"{MINIFIED_MODULE}\":")),
            n => {
                return Err(format!(
                    "glue has {n} import module keys {quoted}, expected 1"
                ))
            }
        }
    }
    let mut out = String::with_capacity(js.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut rest = js.as_str();
    while let Some(start) = rest.find(|c: char| is_ident_char(c)) {
        let (before, tail) = rest.split_at(start);
        out.push_str(before);
        let end = tail.find(|c: char| !is_ident_char(c)).unwrap_or(tail.len());
        let (token, after) = tail.split_at(end);
        rest = after;
        let member = out.ends_with("wasm.")
            && !out[..out.len() - 5]
                .chars()
                .next_back()
                .is_some_and(is_ident_char);
        if member {
            match mapping.exports.get(token) {
                Some(new) => out.push_str(new),
                None => {
                    return Err(format!(
                        "glue uses `wasm.{token}`, which is not a wasm export"
                    ))
                }
            }
            continue;
        }
        if after.starts_with(':') {
            if let Some((name, new)) = mapping.imports.get_key_value(token) {
                *seen.entry(name.as_str()).or_default() += 1;
                out.push_str(new);
                continue;
            }
        }
        out.push_str(token);
    }
    out.push_str(rest);
    for name in mapping.imports.keys() {
        match seen.get(name.as_str()).copied().unwrap_or(0) {
            1 => {}
            n => return Err(format!("glue has {n} import keys `{name}:`, expected 1")),
        }
    }
    Ok(out)
}

/// Applies the export renames to the `InitOutput` interface of the type declarations
/// (`readonly name: ...`): the value `init()` resolves to is the raw exports object.
pub fn rename_types(dts: &str, mapping: &Mapping) -> String {
    let mut inside = false;
    dts.lines()
        .map(|line| {
            if line.starts_with("export interface InitOutput") {
                inside = true;
            } else if line.starts_with('}') {
                inside = false;
            }
            if !inside {
                return line.to_string();
            }
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            trimmed
                .strip_prefix("readonly ")
                .and_then(|member| member.split_once(':'))
                .and_then(|(name, ty)| {
                    mapping
                        .exports
                        .get(name)
                        .map(|new| format!("{indent}readonly {new}:{ty}"))
                })
                .unwrap_or_else(|| line.to_string())
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if dts.ends_with('\n') { "\n" } else { "" }
}

/// Instantiates `wasm` with the glue `js` under Node (its default export, as the loader
/// does), which links every import by module and name and runs the start export, and checks
/// the names the loader and the npm package use (`default` and `entry`: the widget's
/// `start`, which returns the widget object whose `command` the browser and end-to-end
/// tests exercise, or the loyalty panel's `open`). Fails with Node's message.
pub fn check(js: &Path, wasm: &Path, entry: &str) -> Result<(), String> {
    const SCRIPT: &str =
        "import{readFileSync as r}from'node:fs';import{pathToFileURL as u}from'node:url';\
const[j,w,e]=process.argv.slice(1);const m=await import(u(j).href);\
await m.default({module_or_path:'data:application/wasm;base64,'+r(w).toString('base64')});\
for(const f of[m.default,m[e]])if(typeof f!='function')throw new Error('missing export '+e);\
console.log('ok')";
    let mut node = cmd("node");
    node.args(["--input-type=module", "-e", SCRIPT])
        .arg(js)
        .arg(wasm)
        .arg(entry);
    match output(&mut node).as_deref() {
        Some("ok") => Ok(()),
        _ => {
            let out = node
                .output()
                .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                .unwrap_or_default();
            Err(format!(
                "the minified glue {} does not instantiate {}: {out}",
                js.display(),
                wasm.display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"{
 "imports": [
  ["./widget_bg.js", "__wbg_body_5f971cbc6950ca4f", "$"],
  ["./widget_bg.js", "__wbindgen_init_externref_table", "Aa"]
 ],
"exports": [
  ["memory", "ob"],
  ["start", "qb"],
  ["__wbindgen_start", "Hb"],
  ["__wbindgen_free", "Bb"]
 ]
}
"#;

    const GLUE: &str = r#"export function start(options) {
    const ret = wasm.start(options);
    return ret;
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_body_5f971cbc6950ca4f: function(arg0) {
            const ret = arg0.body;
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs_x;
        },
    };
    return {
        __proto__: null,
        "./widget_bg.js": import0,
    };
}
const mem = mywasm.memory; // `wasm.` only counts as a whole word
wasm.__wbindgen_start(); new Uint8Array(wasm.memory.buffer);
"#;

    #[test]
    fn mapping_parses() {
        let m = parse_mapping(MAPPING).unwrap();
        assert_eq!(m.modules, ["./widget_bg.js"]);
        assert_eq!(m.imports["__wbg_body_5f971cbc6950ca4f"], "$");
        assert_eq!(m.exports["__wbindgen_start"], "Hb");
        assert!(parse_mapping("not json").is_err());
        assert!(parse_mapping(r#"{"imports": [["a", "b"]], "exports": []}"#).is_err());
        assert!(parse_mapping(r#"{"imports": [], "exports": [["a", "1b"]]}"#).is_err());
    }

    #[test]
    fn glue_is_renamed() {
        let mut m = parse_mapping(MAPPING).unwrap();
        // An unknown export used by the glue is an error...
        assert!(rename(GLUE, &m)
            .unwrap_err()
            .contains("__wbindgen_externrefs_x"));
        m.exports
            .insert("__wbindgen_externrefs_x".into(), "Db".into());
        let js = rename(GLUE, &m).unwrap();
        assert!(js.contains("export function start(options)"), "{js}");
        assert!(js.contains("const ret = wasm.qb(options);"), "{js}");
        assert!(js.contains("        $: function(arg0) {"), "{js}");
        assert!(js.contains("        Aa: function() {"), "{js}");
        assert!(js.contains("const table = wasm.Db;"), "{js}");
        assert!(js.contains("\"a\": import0"), "{js}");
        assert!(js.contains("mywasm.memory"), "{js}");
        assert!(
            js.contains("wasm.Hb(); new Uint8Array(wasm.ob.buffer);"),
            "{js}"
        );
        assert!(!js.contains("__wbg_body"), "{js}");
        // ...and so is an import the glue does not provide.
        m.imports.insert("__wbg_gone_0123".into(), "B".into());
        assert!(rename(GLUE, &m).unwrap_err().contains("__wbg_gone_0123"));
    }

    #[test]
    fn types_are_renamed() {
        let m = parse_mapping(MAPPING).unwrap();
        let dts = "export class Widget {\n    readonly start: boolean;\n}\n\
                   export interface InitOutput {\n    readonly memory: WebAssembly.Memory;\n    \
                   readonly start: (a: any) => [number, number, number];\n    readonly other: number;\n}\n";
        assert_eq!(
            rename_types(dts, &m),
            "export class Widget {\n    readonly start: boolean;\n}\n\
             export interface InitOutput {\n    readonly ob: WebAssembly.Memory;\n    \
             readonly qb: (a: any) => [number, number, number];\n    readonly other: number;\n}\n"
        );
    }
}
