//! Generation time, in process, for our spec, the official HighLevel spec,
//! nexus and GitHub's, and how it grows with the number of operations
//! (subsets of GitHub's spec). `cargo bench -p codegen` prints a table.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use codegen::{Generator, Resolver, Settings, SpecDocument};
use serde_json::{Map, Value};

struct Beside(PathBuf);

impl Resolver for Beside {
    fn load(&self, location: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(location)).map_err(|e| e.to_string())
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `generate` `runs` times; returns the fastest and the median.
fn time(spec: &SpecDocument, folder: &Path, runs: usize) -> Result<(Duration, Duration), String> {
    let generator = Generator::new(Settings::new("bench"));
    let resolver = Beside(folder.to_owned());
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        generator
            .generate_with(spec, &resolver)
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok((times[0], times[times.len() / 2]))
}

fn operations(doc: &Value) -> usize {
    doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .values()
                .map(|item| {
                    [
                        "get", "put", "post", "delete", "options", "head", "patch", "trace",
                    ]
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The first `n` operations of `doc` (in path order) and the components
/// they reach.
fn subset(doc: &Value, n: usize) -> Value {
    let mut kept = Map::new();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if count >= n {
            break;
        }
        let mut item = item.as_object().unwrap().clone();
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.contains_key(method) {
                if count >= n {
                    item.remove(method);
                } else {
                    count += 1;
                }
            }
        }
        kept.insert(path.clone(), Value::Object(item));
    }
    let mut out = doc.clone();
    out["paths"] = Value::Object(kept);
    // Keep only the components reachable from the kept paths.
    let mut reached = std::collections::BTreeSet::new();
    let mut pending = Vec::new();
    collect_refs(&out["paths"], &mut pending);
    while let Some(target) = pending.pop() {
        if !reached.insert(target.clone()) {
            continue;
        }
        if let Some(found) = target.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            collect_refs(found, &mut pending);
        }
    }
    if let Some(components) = out["components"].as_object_mut() {
        for (kind, entries) in components.iter_mut() {
            if let Some(entries) = entries.as_object_mut() {
                let kind = kind.clone();
                entries.retain(|name, _| {
                    kind == "securitySchemes"
                        || reached.contains(&format!(
                            "#/components/{kind}/{}",
                            name.replace('~', "~0").replace('/', "~1")
                        ))
                });
            }
        }
    }
    out
}

fn main() {
    let root = root();
    let corpus = root.join("tests/corpus");
    println!("| spec | operations | fastest | median |");
    println!("|---|---:|---:|---:|");
    let specs = [
        ("spec/highlevel-contacts.yaml", 20),
        ("tests/corpus/highlevel-official/apps/contacts.json", 20),
        ("tests/corpus/progenitor/nexus.json", 5),
        ("tests/corpus/progenitor/api.github.com.json", 3),
    ];
    for (name, runs) in specs {
        let path = root.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let ops = if name.ends_with(".json") {
            operations(&serde_json::from_slice(&bytes).unwrap())
        } else {
            bytes
                .split(|b| *b == b'\n')
                .filter(|l| {
                    String::from_utf8_lossy(l)
                        .trim_start()
                        .starts_with("operationId:")
                })
                .count()
        };
        let spec = SpecDocument::new(name, bytes);
        match time(&spec, path.parent().unwrap(), runs) {
            Ok((fastest, median)) => println!(
                "| {name} | {ops} | {:.3} s | {:.3} s |",
                fastest.as_secs_f64(),
                median.as_secs_f64()
            ),
            Err(error) => println!("| {name} | {ops} | refused: {error} | |"),
        }
    }

    println!("\nScaling: the first N operations of GitHub's spec and the components they reach.\n");
    println!("| operations | schemas | fastest | median |");
    println!("|---:|---:|---:|---:|");
    let github: Value = serde_json::from_slice(
        &std::fs::read(corpus.join("progenitor/api.github.com.json")).unwrap(),
    )
    .unwrap();
    for n in [25, 50, 100, 200, 400, 767] {
        let doc = subset(&github, n);
        let schemas = doc["components"]["schemas"].as_object().map_or(0, Map::len);
        let spec = SpecDocument::new(
            format!("github-{n}.json"),
            serde_json::to_vec(&doc).unwrap(),
        );
        let runs = if n >= 400 { 3 } else { 5 };
        match time(&spec, &corpus, runs) {
            Ok((fastest, median)) => println!(
                "| {} | {schemas} | {:.3} s | {:.3} s |",
                operations(&doc),
                fastest.as_secs_f64(),
                median.as_secs_f64()
            ),
            Err(error) => println!("| {n} | {schemas} | refused: {error} | |"),
        }
    }
}
