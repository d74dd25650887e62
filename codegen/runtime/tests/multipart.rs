//! A multipart form's bytes: the parts as reqwest encodes them, starting
//! with the delimiter the request hook reads the boundary from.

use client_runtime::multipart::{Form, Part, form_bytes};

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn fields_and_files_are_encoded_part_by_part() {
    let file = Part::bytes(vec![0x89, b'P', b'N', b'G'])
        .file_name("a.png")
        .mime_str("image/png")
        .unwrap();
    let form = Form::new().text("note", "two\r\nlines").part("file", file);
    let b = form.boundary().to_owned();
    let bytes = block_on(form_bytes(form)).unwrap();
    let mut expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\ntwo\r\nlines\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&[0x89, b'P', b'N', b'G']);
    expected.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    assert_eq!(bytes, expected, "{}", String::from_utf8_lossy(&bytes));
}

#[test]
fn an_empty_form_is_its_closing_delimiter() {
    let form = Form::new();
    let b = form.boundary().to_owned();
    assert_eq!(
        block_on(form_bytes(form)).unwrap(),
        format!("--{b}--\r\n").into_bytes()
    );
}

#[test]
fn a_field_name_cannot_add_a_part() {
    let form = Form::new().text("a\"; name=\"b", "x");
    let b = form.boundary().to_owned();
    let bytes = String::from_utf8(block_on(form_bytes(form)).unwrap().to_vec()).unwrap();
    assert_eq!(bytes.matches(&format!("--{b}\r\n")).count(), 1, "{bytes}");
    assert!(!bytes.contains("name=\"b\""), "{bytes}");
}
