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

/// wasm-bindgen's export line of the glue, the last line of its initialization code.
const EXPORTS_LINE: &str = "export { initSync, __wbg_init as default };";

/// Where wasm-bindgen's initialization code starts: everything from here to
/// [`EXPORTS_LINE`] is replaced by [`INIT`].
const LOAD_FUNCTION: &str = "async function __wbg_load(";

/// The widget's initialization: `init({ module_or_path })` with the wasm's URL, the one way
/// the loader and the npm package call it. wasm-bindgen's own also takes bytes, a
/// `Response` or a `Module`, warns about deprecated call shapes and has a synchronous
/// variant, none of which the shopper needs to download.
const INIT: &str = r#"let __wbg_init_promise;
async function __wbg_init({ module_or_path }) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_instantiate(module_or_path);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}

async function __wbg_instantiate(url) {
    const imports = __wbg_get_imports();
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    let result;
    try {
        result = await WebAssembly.instantiateStreaming(response, imports);
    } catch (e) {
        // Served without `application/wasm`: compile from the bytes instead.
        if (response.headers.get('Content-Type') === 'application/wasm') throw e;
        result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    }
    return __wbg_finalize_init(result.instance, result.module);
}

export { __wbg_init as default };
"#;

/// The type of [`INIT`]'s `__wbg_init`.
const INIT_TYPE: &str = "/**\n * Instantiates the widget's wasm, fetched from `module_or_path`; resolves to its \
                         exports.\n */\nexport default function __wbg_init(options: { module_or_path: \
                         string | URL }): Promise<InitOutput>;";

/// Replaces wasm-bindgen's initialization code with [`INIT`] (so terser drops `initSync`
/// and the loading variants nobody calls), and its declarations in the types.
pub fn replace_init(js: &str, dts: &str) -> Result<(String, String), String> {
    let outdated =
        |what: &str| format!("{what}: wasm-bindgen's output changed, update xtask/src/glue.rs");
    if js.matches(LOAD_FUNCTION).count() != 1 || js.matches(EXPORTS_LINE).count() != 1 {
        return Err(outdated(&format!(
            "the glue lacks one `{LOAD_FUNCTION}` or one `{EXPORTS_LINE}`"
        )));
    }
    let (head, tail) = js.split_at(js.find(LOAD_FUNCTION).unwrap_or(0));
    if !tail.trim_end().ends_with(EXPORTS_LINE) {
        return Err(outdated(&format!(
            "the glue does not end with `{EXPORTS_LINE}`"
        )));
    }
    // Declarations: drop `initSync` and the default export, each with the doc comment
    // right above it, then declare the replacement.
    let mut kept: Vec<&str> = Vec::new();
    let mut dropped = 0;
    for line in dts.lines() {
        if line.starts_with("export function initSync(")
            || line.starts_with("export default function __wbg_init")
        {
            if kept.last().is_some_and(|l| l.trim() == "*/") {
                while let Some(l) = kept.pop() {
                    if l.trim_start().starts_with("/**") {
                        break;
                    }
                }
            }
            dropped += 1;
            continue;
        }
        kept.push(line);
    }
    if dropped != 2 {
        return Err(outdated(
            "the glue's types lack `initSync` or the default export",
        ));
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    Ok((
        format!("{head}{INIT}"),
        format!(
            "{}

{INIT_TYPE}
",
            kept.join(
                "
"
            )
        ),
    ))
}

/// wasm-bindgen's closure wrapper, reference-counted and registered for finalization so
/// the Rust closure is dropped once JS lets go of it.
const MAKE_CLOSURE: &str = "function makeClosure(arg0, arg1, f) {
    const state = { a: arg0, b: arg1, cnt: 1 };
    const real = (...args) => {

        // First up with a closure we increment the internal reference
        // count. This ensures that the Rust closure environment won't
        // be deallocated while we're invoking it.
        state.cnt++;
        try {
            return f(state.a, state.b, ...args);
        } finally {
            real._wbg_cb_unref();
        }
    };
    real._wbg_cb_unref = () => {
        if (--state.cnt === 0) {
            wasm.__wbindgen_destroy_closure(state.a, state.b);
            state.a = 0;
            CLOSURE_DTORS.unregister(state);
        }
    };
    CLOSURE_DTORS.register(real, state, state);
    return real;
}";

/// The widget's one closure (its handler) lives as long as the page: listeners, timers and
/// the widget object hold it, and it holds the widget's state. A plain forwarding function
/// does; the Rust closure is then never dropped (a few bytes, once per page).
///
/// The browser calls it from event listeners, timers and promise callbacks, where nothing
/// of ours is on the stack to catch: a trap there (a Rust panic, after the panic handler
/// has logged once and disabled the widget) would reach the page as an uncaught error.
/// So the call is wrapped, and a throw ends as `undefined`. The widget object's methods
/// (the loader's commands) are this function too: a panic during a command is logged once
/// by the panic handler, which also makes the widget dormant, and the loader sees nothing.
/// `start` is a plain export, and the loader's `try` around it logs.
const MAKE_CLOSURE_FOREVER: &str = "function makeClosure(arg0, arg1, f) {
    return (...args) => { try { return f(arg0, arg1, ...args); } catch (_) {} };
}";

/// The finalization registry only `MAKE_CLOSURE` uses.
const CLOSURE_DTORS: &str = "const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(state => wasm.__wbindgen_destroy_closure(state.a, state.b));
";

/// `passStringToWasm0`'s branch for callers without `realloc`: the glue always passes one.
const PASS_STRING_WITHOUT_REALLOC: &str = "    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
";

/// The text decoder with the workaround for Safari's failure past ~2 GB decoded by one
/// `TextDecoder` (a new decoder every 2 GB). The widget decodes kilobytes per page.
const DECODE_TEXT_FOR_SAFARI: &str =
    "let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes);
}";

/// One decoder for the page's lifetime.
const DECODE_TEXT: &str = "const cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
function decodeText(bytes) {
    return cachedTextDecoder.decode(bytes);
}";

/// The memory view's staleness test, written for shared memories too (whose buffer is
/// never detached). The widget's memory is not shared: after `memory.grow` its old buffer
/// is simply not the current one.
const DATA_VIEW_CHECK: &str = "if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {";

/// The same test for an unshared memory.
const DATA_VIEW_CHECK_UNSHARED: &str =
    "if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.memory.buffer) {";

/// The module and instance kept beside the exports, which nothing reads.
const KEPT_MODULE_AND_INSTANCE: [&str; 3] = [
    "let wasmModule, wasmInstance, wasm;",
    "    wasmInstance = instance;\n",
    "    wasmModule = module;\n",
];

/// Drops what the widget's glue never runs: the closure wrapper's reference counting and
/// finalization (see [`MAKE_CLOSURE_FOREVER`]), `passStringToWasm0`'s branch for a
/// missing `realloc` (every call passes one), the text decoder's Safari workaround and the
/// shared-memory case of the memory view's check, and the unread module and instance.
/// Each piece must appear exactly as expected,
/// or the build fails, so a new wasm-bindgen cannot slip past unnoticed. Runs on the glue
/// as wasm-bindgen writes it (before [`rename`]: the names are the pinned version's).
pub fn simplify(js: &str) -> Result<String, String> {
    let outdated =
        |what: &str| format!("{what}: wasm-bindgen's output changed, update xtask/src/glue.rs");
    for piece in [
        MAKE_CLOSURE,
        CLOSURE_DTORS,
        PASS_STRING_WITHOUT_REALLOC,
        DECODE_TEXT_FOR_SAFARI,
        DATA_VIEW_CHECK,
    ]
    .into_iter()
    .chain(KEPT_MODULE_AND_INSTANCE)
    {
        if js.matches(piece).count() != 1 {
            return Err(outdated(&format!(
                "expected one `{}`",
                piece.lines().next().unwrap_or_default()
            )));
        }
    }
    let calls = js.matches("passStringToWasm0(").count();
    let with_realloc = js
        .matches("passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc)")
        .count();
    if calls != with_realloc + 1 {
        return Err(outdated("a `passStringToWasm0` call without `realloc`"));
    }
    let js = js
        .replace(MAKE_CLOSURE, MAKE_CLOSURE_FOREVER)
        .replace(CLOSURE_DTORS, "")
        .replace(PASS_STRING_WITHOUT_REALLOC, "")
        .replace(DECODE_TEXT_FOR_SAFARI, DECODE_TEXT)
        .replace(DATA_VIEW_CHECK, DATA_VIEW_CHECK_UNSHARED)
        .replace(KEPT_MODULE_AND_INSTANCE[0], "let wasm;")
        .replace(KEPT_MODULE_AND_INSTANCE[1], "")
        .replace(KEPT_MODULE_AND_INSTANCE[2], "");
    if js.contains("wasmModule") || js.contains("wasmInstance") {
        return Err(outdated("the module or instance is read"));
    }
    if js.contains("CLOSURE_DTORS") || js.contains("_wbg_cb_unref") {
        return Err(outdated("the closure finalization is used elsewhere"));
    }
    Ok(js)
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
/// the names the loader and the npm package use (`default`, `start`; `start` returns the
/// widget object, whose `command` the browser and end-to-end tests exercise).
/// Fails with Node's message.
pub fn check(js: &Path, wasm: &Path) -> Result<(), String> {
    const SCRIPT: &str =
        "import{readFileSync as r}from'node:fs';import{pathToFileURL as u}from'node:url';\
const[j,w]=process.argv.slice(1);const m=await import(u(j).href);\
await m.default({module_or_path:'data:application/wasm;base64,'+r(w).toString('base64')});\
for(const f of[m.default,m.start])if(typeof f!='function')throw new Error('missing export');\
console.log('ok')";
    let mut node = cmd("node");
    node.args(["--input-type=module", "-e", SCRIPT])
        .arg(js)
        .arg(wasm);
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
    fn init_is_replaced() {
        let js = "function keep() {}\nasync function __wbg_load(module, imports) {}\n\
                  function initSync(module) {}\nasync function __wbg_init(m) {}\n\
                  export { initSync, __wbg_init as default };\n";
        let dts = "export type SyncInitInput = BufferSource;\n\n/**\n * Instantiates.\n *\n \
                   * @returns {InitOutput}\n */\nexport function initSync(module: SyncInitInput): \
                   InitOutput;\n\n/**\n * Init.\n */\nexport default function __wbg_init(): void;\n";
        let (js, dts) = replace_init(js, dts).unwrap();
        assert!(
            js.starts_with("function keep() {}\nlet __wbg_init_promise;"),
            "{js}"
        );
        assert!(js.ends_with("export { __wbg_init as default };\n"), "{js}");
        assert!(
            !js.contains("initSync") && !js.contains("__wbg_load"),
            "{js}"
        );
        assert!(js.contains("instantiateStreaming"), "{js}");
        assert_eq!(
            dts,
            format!("export type SyncInitInput = BufferSource;\n\n{INIT_TYPE}\n")
        );
        assert!(dts.contains("module_or_path: string | URL"), "{dts}");
        assert!(replace_init("export { __wbg_init as default };", "").is_err());
        assert!(replace_init(
            "async function __wbg_load(m) {}\nexport { initSync, __wbg_init as default };\nx();",
            ""
        )
        .is_err());
    }

    #[test]
    fn unused_glue_is_dropped() {
        let js = format!(
            "{CLOSURE_DTORS}\n{MAKE_CLOSURE}\nfunction passStringToWasm0(arg, malloc, realloc) {{\n\
             {PASS_STRING_WITHOUT_REALLOC}    let len = arg.length;\n}}\n\
             x = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);\n\
             {DECODE_TEXT_FOR_SAFARI}\nfunction getDataViewMemory0() {{\n    {DATA_VIEW_CHECK}\n}}\n\
             let wasmModule, wasmInstance, wasm;\nfunction fin(instance, module) {{\n\
             {}    wasm = instance.exports;\n{}}}\n",
            KEPT_MODULE_AND_INSTANCE[1], KEPT_MODULE_AND_INSTANCE[2]
        );
        let out = simplify(&js).unwrap();
        assert!(out.contains(DECODE_TEXT), "{out}");
        assert!(!out.contains("MAX_SAFARI_DECODE_BYTES"), "{out}");
        assert!(out.contains(DATA_VIEW_CHECK_UNSHARED), "{out}");
        assert!(!out.contains("detached"), "{out}");
        assert!(
            !out.contains("wasmModule") && !out.contains("wasmInstance"),
            "{out}"
        );
        assert!(out.contains("let wasm;"), "{out}");
        assert!(out.contains(MAKE_CLOSURE_FOREVER), "{out}");
        assert!(!out.contains("FinalizationRegistry"), "{out}");
        assert!(!out.contains("realloc === undefined"), "{out}");
        assert!(out.contains("let len = arg.length;"), "{out}");
        // Anything unexpected fails the build.
        assert!(simplify(&js.replace("state.cnt++", "state.count++")).is_err());
        assert!(simplify(&format!(
            "{js}y = passStringToWasm0(s, wasm.__wbindgen_malloc);\n"
        ))
        .is_err());
        assert!(simplify(&format!("{js}CLOSURE_DTORS.register(a, b);\n")).is_err());
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
