//! The generator's output for one construct at a time, locked by snapshots,
//! and its errors for specs it cannot take.

use highlevel_tests::{generate_fixture, generate_strict, generate_text, snapshot_text};

#[test]
fn nullable_fields() {
    insta::assert_snapshot!(snapshot_text(
        &generate_fixture("nullable-fields.yaml").unwrap()
    ));
}

#[test]
fn distinct_error_bodies_get_one_enum_variant_per_status() {
    insta::assert_snapshot!(snapshot_text(
        &generate_fixture("error-bodies.yaml").unwrap()
    ));
}

#[test]
fn custom_field_union() {
    insta::assert_snapshot!(snapshot_text(
        &generate_fixture("custom-field-union.yaml").unwrap()
    ));
}

#[test]
fn sensitive_fields_are_redacted_in_debug() {
    insta::assert_snapshot!(snapshot_text(
        &generate_fixture("sensitive-fields.yaml").unwrap()
    ));
}

#[test]
fn single_value_required_headers_become_constants() {
    let generated = generate_fixture("constant-headers.yaml").unwrap();
    let client = &generated.files["src/client.rs"];
    assert!(client.contains(r#"("version", "2021-07-28")"#), "{client}");
    assert!(client.contains(r#"("x-path-level", "fixed")"#), "{client}");
    let raw = &generated.files["src/raw.rs"];
    assert!(
        !raw.contains("version:"),
        "Version must not be an argument:\n{raw}"
    );
    assert!(
        raw.contains("x_mode"),
        "a header with a choice stays an argument:\n{raw}"
    );
    insta::assert_snapshot!(snapshot_text(&generated));
}

/// A deprecated property's field and setters carry `#[deprecated]` with the
/// spec's description; the generated code's own uses allow it (the fixture
/// crates compile with warnings denied), and the public surface shows it.
#[test]
fn deprecated_properties_warn_their_callers_only() {
    let generated = generate_fixture("deprecated-fields.yaml").unwrap();
    let types = &generated.files["src/types.rs"];
    let note = r#"#[deprecated(note = "Deprecated. Use `fieldValue` instead.")]"#;
    for expected in [
        format!("{note}\n    pub field_value: crate::Nullable<::std::string::String>"),
        format!("{note}\n    pub fn field_value("),
        format!("{note}\n    pub fn clear_field_value("),
        "#[deprecated]\n    pub fn tags<".to_owned(),
        r#"#[deprecated(note = "Legacy misspelling of `succeeded`.")]"#.to_owned(),
    ] {
        assert!(types.contains(&expected), "no {expected} in:\n{types}");
    }
    let surface = codegen::surface::public_api(&generated.files).unwrap();
    let shown = codegen::surface::render(&surface);
    assert!(
        shown.contains("types::FieldPatch::field_value()") && shown.contains("#[deprecated]"),
        "{shown}"
    );
    insta::assert_snapshot!(snapshot_text(&generated));
}

#[test]
fn security_scheme_becomes_a_client_credential() {
    let generated = generate_fixture("security.yaml").unwrap();
    let client = &generated.files["src/client.rs"];
    assert!(
        client.contains(r#"Credential::new("x-api-key", """#),
        "{client}"
    );
    insta::assert_snapshot!(snapshot_text(&generated));
}

/// Operations that accept different credentials get one `with_<scheme>`
/// setter per kind; an alternative the client cannot send is left out with
/// a note when the operation accepts another.
#[test]
fn several_credential_kinds_become_builder_setters() {
    let generated = generate_fixture("several-credentials.yaml").unwrap();
    let client = &generated.files["src/client.rs"];
    for setter in [
        "pub fn with_basic_auth(",
        "password: impl Into<SecretToken>",
        "pub fn with_query_key(self, credentials: impl Into<Credentials>)",
        "pub fn with_cookie_key(self, credentials: impl Into<Credentials>)",
    ] {
        assert!(client.contains(setter), "{setter}\n{client}");
    }
    assert!(
        client.contains("pub fn builder() -> ClientBuilder"),
        "{client}"
    );
    assert!(generated.files.contains_key("src/runtime/basic.rs"));
    assert!(generated.files["Cargo.toml"].contains("base64"));
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "tests/fixtures/several-credentials.yaml#/paths/~1signed/get/security: HTTP `OAuth` authentication is not supported: it is not a value a client can send as it is (basic and bearer are); the alternatives that name `oauth1` are left out"
        ]
    );
    let single = generate_fixture("security.yaml").unwrap();
    assert!(!single.files.contains_key("src/runtime/basic.rs"));
    assert!(!single.files["Cargo.toml"].contains("base64"));
    assert!(!single.files["Cargo.toml"].contains("basic"));
}

#[test]
fn generating_twice_is_byte_identical() {
    for fixture in [
        "nullable-fields.yaml",
        "error-bodies.yaml",
        "security.yaml",
        "several-credentials.yaml",
    ] {
        assert_eq!(
            generate_fixture(fixture).unwrap(),
            generate_fixture(fixture).unwrap(),
            "{fixture}"
        );
    }
}

/// Each broken spec yields an error naming the file, the JSON pointer of the
/// construct and a reason; none makes the generator panic. Strict mode, so
/// flaws the generator can repair are refused too.
#[test]
fn broken_specs_give_located_errors() {
    let valid_head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
    let cases: &[(&str, String, &str, &str)] = &[
        ("empty", String::new(), "", "empty"),
        ("binary", "\0\u{1}\u{2}".to_owned(), "", "binary"),
        ("bad yaml", "openapi: [3.0.3\n".to_owned(), "", "line 1"),
        (
            "bad json",
            "{\"openapi\": }".to_owned(),
            "",
            "invalid JSON at line 1",
        ),
        (
            "swagger",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n".to_owned(),
            "/swagger",
            "Swagger",
        ),
        (
            "unknown version",
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n".to_owned(),
            "/openapi",
            "3.2.0",
        ),
        (
            "no operationId",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      responses: {{'200': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get",
            "operationId",
        ),
        (
            "undeclared path parameter",
            format!(
                "{valid_head}paths:\n  /a/{{id}}:\n    get: {{operationId: a, responses: {{'200': {{description: ok}}}}}}\n"
            ),
            "/paths/~1a~1{id}/get",
            "`{id}`",
        ),
        (
            "dangling $ref",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Nope'}}}}}}\n"
            ),
            "/paths/~1a/get/responses/200/content/application~1json/schema",
            "points at nothing",
        ),
        (
            "cyclic $ref",
            format!(
                "{valid_head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
            ),
            "/components/schemas/A",
            "cycle",
        ),
        (
            "external $ref",
            format!(
                "{valid_head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.json#/A'}}\n"
            ),
            "/components/schemas/A",
            "external",
        ),
        (
            "form body with an encoding",
            format!(
                "{valid_head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{application/x-www-form-urlencoded: {{schema: {{type: object}}, encoding: {{a: {{contentType: text/plain}}}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding",
            "`encoding` of form bodies is not supported",
        ),
        (
            "cookie parameter",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: session, in: cookie, schema: {{type: string}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get/parameters/0",
            "cookie parameters are not supported",
        ),
        (
            "matrix path parameter",
            format!(
                "{valid_head}paths:\n  /a/{{id}}:\n    parameters: [{{name: id, in: path, required: true, style: matrix, schema: {{type: string}}}}]\n    get: {{operationId: a, responses: {{'204': {{description: ok}}}}}}\n"
            ),
            "/paths/~1a~1{id}/parameters/0",
            "style `matrix`",
        ),
        (
            "label query parameter",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: filter, in: query, style: label, schema: {{type: object}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get/parameters/0",
            "style `label`",
        ),
        (
            "progenitor's own error (a default typify refuses), in an inline body",
            format!(
                "{valid_head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{application/json: {{schema: {{type: object, properties: {{x: {{type: object, properties: {{a: {{type: string}}}}, additionalProperties: false, default: {{b: 1}}}}}}}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody",
            "value does not conform",
        ),
        (
            "path parameter names that collide after mangling",
            format!(
                "{valid_head}paths:\n  /a/{{page-size}}/{{page_size}}:\n    get:\n      operationId: a\n      parameters: [{{name: page-size, in: path, required: true, schema: {{type: integer}}}}, {{name: page_size, in: path, required: true, schema: {{type: integer}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a~1{page-size}~1{page_size}/get/parameters/1",
            "same Rust argument name `page_size`",
        ),
        (
            "path parameter that is not required",
            format!(
                "{valid_head}paths:\n  /a/{{id}}:\n    get:\n      operationId: a\n      parameters: [{{name: id, in: path, schema: {{type: string}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a~1{id}/get/parameters/0",
            "must be required",
        ),
        (
            "wrong field type",
            format!(
                "{valid_head}paths:\n  /a:\n    get: {{operationId: a, responses: {{'200': {{description: 7}}}}}}\n"
            ),
            "/paths/~1a/get/responses/200/description",
            "invalid type",
        ),
        (
            "OAuth 1 as the only alternative",
            format!(
                "{valid_head}security: [{{signed: []}}]\npaths:\n  /a:\n    get: {{operationId: a, responses: {{'204': {{description: ok}}}}}}\ncomponents:\n  securitySchemes:\n    signed: {{type: http, scheme: OAuth}}\n"
            ),
            "/components/securitySchemes/signed",
            "HTTP `OAuth` authentication is not supported",
        ),
        (
            "path parameter missing from the path",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get/parameters/0",
            "has no `{id}`",
        ),
        (
            "x-rust-name that is not an identifier",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{new: {{type: boolean, x-rust-name: type}}}}}}\n"
            ),
            "/components/schemas/A/properties/new/x-rust-name",
            "not a Rust identifier",
        ),
        (
            "a path parameter named like the request body's argument",
            format!(
                "{valid_head}paths:\n  /a/{{body}}:\n    post:\n      operationId: a\n      parameters: [{{name: body, in: path, required: true, schema: {{type: string}}}}]\n      requestBody: {{content: {{application/json: {{schema: {{type: object}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a~1{body}/post/parameters/0",
            "parameter `body` gives the Rust argument name `body`, which the request body takes",
        ),
        (
            "x-sensitive that is not a boolean",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{ssn: {{type: string, x-sensitive: 'yes'}}}}}}\n"
            ),
            "/components/schemas/A/properties/ssn/x-sensitive",
            "`true` or `false`",
        ),
        (
            "x-rejected-properties without its pattern's `{}`",
            format!(
                "{valid_head}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '422':\n          description: no\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}\ncomponents:\n  schemas:\n    A: {{type: object, x-rejected-properties: {{from: message, pattern: property should not exist}}, properties: {{message: {{type: array, items: {{type: string}}}}}}}}\n"
            ),
            "/components/schemas/A/x-rejected-properties",
            "one `{}`",
        ),
    ];
    for (label, text, pointer, reason) in cases {
        let error = generate_strict("broken.yaml", text.clone()).expect_err(label);
        assert_eq!(error.file, "broken.yaml", "{label}");
        assert_eq!(error.pointer, *pointer, "{label}: {error}");
        assert!(
            error.reason.contains(reason),
            "{label}: `{}` lacks `{reason}`",
            error.reason
        );
    }
}

#[test]
fn names_that_are_rust_keywords_and_code_in_descriptions_stay_safe() {
    let spec = "openapi: 3.0.3\ninfo: {title: 't */ fn x() {}', version: '1', description: \"*/ } fn evil() { /*\"}\nservers: [{url: 'https://x.example'}]\npaths:\n  /a:\n    get:\n      operationId: type\n      description: \"\\\"); panic!(\\\"\"\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/fn'}}}\ncomponents:\n  schemas:\n    fn: {type: object, properties: {match: {type: string}, self: {type: string}}}\n";
    let generated = generate_text("keywords.yaml", spec).unwrap();
    for (path, text) in &generated.files {
        if path.ends_with(".rs") {
            let file = syn::parse_file(text)
                .unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
            let tokens = quote::ToTokens::to_token_stream(&file);
            assert!(
                !has_ident(tokens, "evil"),
                "{path} turned description text into code:\n{text}"
            );
        }
    }
}

/// Whether `name` occurs as code (an identifier), not inside a literal.
fn has_ident(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => has_ident(group.stream(), name),
        _ => false,
    })
}

/// Flaws with a plain intent are repaired, each with a located note;
/// strict mode refuses them (see `broken_specs_give_located_errors`).
#[test]
fn repairable_flaws_give_notes() {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
    let cases: &[(&str, String, &str, &str)] = &[
        (
            "undeclared path parameter",
            format!(
                "{head}paths:\n  /a/{{id}}:\n    get: {{operationId: a, responses: {{'200': {{description: ok}}}}}}\n"
            ),
            "/paths/~1a~1{id}/get",
            "declared as a required string",
        ),
        (
            "enum values equal but for case",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    Op: {{type: string, enum: [add, Add]}}\n"
            ),
            "/components/schemas/Op",
            "the type is a plain string",
        ),
        (
            "required property that is not declared",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{a: {{type: string}}}}, required: [b]}}\n"
            ),
            "/components/schemas/A/required",
            "ignored",
        ),
        (
            "several request media types",
            format!(
                "{head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{text/plain: {{schema: {{type: string}}}}, application/json: {{schema: {{type: object}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody/content",
            "sends `application/json` only",
        ),
        (
            "duplicate operationId",
            format!(
                "{head}paths:\n  /a:\n    get: {{operationId: same, responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: same, responses: {{'200': {{description: ok}}}}}}\n"
            ),
            "/paths/~1b/get/operationId",
            "operationId `same` is used twice; this one is named `same2`",
        ),
        (
            "operationIds that differ only in case",
            format!(
                "{head}paths:\n  /a:\n    get: {{operationId: getItem, responses: {{'204': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: GetItem, responses: {{'204': {{description: ok}}}}}}\n"
            ),
            "/paths/~1b/get/operationId",
            "give the same Rust name `get_item`; this one is named `GetItem2`",
        ),
        (
            "schema names that collide after mangling",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    user-id: {{type: string}}\n    UserId: {{type: string}}\n"
            ),
            "/components/schemas/UserId",
            "give the same Rust type name `UserId`; `UserId` is `UserId2` in Rust",
        ),
        (
            "parameter names that collide after mangling",
            format!(
                "{head}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: page-size, in: query, schema: {{type: integer}}}}, {{name: page_size, in: query, schema: {{type: integer}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get/parameters/1",
            "give the same Rust argument name `page_size`; its argument is `page_size_2`; its name on the wire stays",
        ),
        (
            "a query parameter named like the request body's argument",
            format!(
                "{head}paths:\n  /a:\n    post:\n      operationId: a\n      parameters: [{{name: body, in: query, required: true, schema: {{type: string}}}}]\n      requestBody: {{content: {{application/json: {{schema: {{type: object}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/parameters/0",
            "parameter `body` gives the Rust argument name `body`, which the request body takes; its argument is `body_2`",
        ),
        (
            "a query parameter listed before a path parameter of its name",
            format!(
                "{head}paths:\n  /search?q={{q}}:\n    get:\n      operationId: a\n      parameters: [{{name: q, in: query, required: true, schema: {{type: string}}}}, {{name: q, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1search?q={q}/get/parameters/0",
            "parameters `q` and `q` give the same Rust argument name `q`; its argument is `q_2`",
        ),
        (
            "an inline schema named after its place like a component schema",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    Movie: {{type: object, properties: {{people: {{type: object, properties: {{a: {{type: string}}}}}}}}}}\n    MoviePeople: {{type: object}}\n"
            ),
            "/components/schemas/Movie/properties/people",
            "would be `MoviePeople`, which the schema `MoviePeople` has; it is `MoviePeople2` in Rust",
        ),
        (
            "a JSON request body under a wildcard media type",
            format!(
                "{head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{application/*+json: {{schema: {{type: object}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody/content/application~1*+json",
            "it is sent as `application/json`",
        ),
        (
            "plain JSON among other JSON media types",
            format!(
                "{head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{application/*+json: {{schema: {{type: object}}}}, application/json: {{schema: {{type: object}}}}, text/json: {{schema: {{type: object}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody/content",
            "the client sends `application/json` only",
        ),
        (
            "a format on an object",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    Links: {{type: object, format: uri-map}}\n"
            ),
            "/components/schemas/Links",
            "the format is dropped",
        ),
        (
            "enum values of another type",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: number, enum: ['2', '3']}}\n"
            ),
            "/components/schemas/A/enum",
            "read as `number` values",
        ),
        (
            "schema reference into another schema",
            format!(
                "{head}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{b: {{type: string}}}}}}\n    C: {{$ref: '#/components/schemas/A/properties/b'}}\n"
            ),
            "/components/schemas/C/$ref",
            "is copied to `#/components/schemas/b`",
        ),
        (
            "parameter by content",
            format!(
                "{head}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: q, in: query, content: {{application/json: {{schema: {{type: object}}}}}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/get/parameters/0",
            "is described by `content`, not by a `schema`; it is a string, which the caller writes as `application/json`",
        ),
        (
            "request body without schema",
            format!(
                "{head}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{application/json: {{}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
            ),
            "/paths/~1a/post/requestBody/content/application~1json",
            "no `schema`, so its type is unknown; any JSON value is sent",
        ),
    ];
    for (label, text, pointer, reason) in cases {
        let generated =
            generate_text("flawed.yaml", text.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let note = generated
            .notes
            .first()
            .unwrap_or_else(|| panic!("{label}: no note"));
        assert_eq!(note.pointer, *pointer, "{label}: {note}");
        assert!(note.to_string().contains(reason), "{label}: {note}");
        let error = generate_strict("flawed.yaml", text.clone()).expect_err(label);
        assert_eq!(error.pointer, *pointer, "{label}");
    }
}

#[test]
fn non_json_responses_are_returned_as_bytes() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content: {text/html: {schema: {type: string}}}\n";
    let generated = generate_text("html.yaml", spec).unwrap();
    assert!(
        generated.files["src/client.rs"].contains("Result<Response<Vec<u8>>, Error<AError>>"),
        "{}",
        generated.files["src/client.rs"]
    );
}

#[test]
fn a_union_branch_that_can_never_be_decoded_is_noted_and_refused_when_strict() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        content: {application/json: {schema: {$ref: '#/components/schemas/Input'}}}\n      responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n    Input:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        value: {$ref: '#/components/schemas/Value'}\n    Value:\n      oneOf:\n        - {type: string, title: Text, description: a text}\n        - {type: string, title: Radio, example: b}\n        - {type: number, title: Amount}\n";
    let generated = generate_text("union.yaml", spec).unwrap();
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "union.yaml#/components/schemas/Value/oneOf/1: branch 1 accepts the same JSON as branch 0: they differ only in descriptions, examples or titles; decoding never picks branch 1: the union's Rust enum tries its variants in order, and branch 0 comes first"
        ]
    );
    // The constructors still come from the titles; `&str` converts into neither text
    // branch, since two take it.
    let types = &generated.files["src/types.rs"];
    for constructor in ["pub fn text(", "pub fn radio(", "pub fn amount("] {
        assert!(types.contains(constructor), "{constructor}");
    }
    assert!(!types.contains("From<&str> for Value"), "{types}");
    assert!(types.contains("From<i32> for Value"), "{types}");
    let error = generate_strict("union.yaml", spec).unwrap_err();
    assert_eq!(error.pointer, "/components/schemas/Value/oneOf/1");
    assert!(
        error.reason.contains("accepts the same JSON as branch 0"),
        "{error}"
    );
}

#[test]
fn operations_without_an_id_are_named_from_method_and_path_with_a_note() {
    let generated = generate_fixture("unnamed-operations.yaml").unwrap();
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "tests/fixtures/unnamed-operations.yaml#/paths/~1accounts~1{id}/get: the operation has no `operationId`, which names its method; named `get_accounts_by_id_2` from its method and path",
            "tests/fixtures/unnamed-operations.yaml#/paths/~1accounts~1{id}/delete: the operation has no `operationId`, which names its method; named `delete_accounts_by_id` from its method and path",
        ]
    );
    let client = &generated.files["src/client.rs"];
    for method in [
        "pub async fn get_accounts_by_id<",
        "pub async fn get_accounts_by_id_2<",
        "pub async fn delete_accounts_by_id<",
    ] {
        assert!(client.contains(method), "{method}");
    }
    let text =
        std::fs::read(highlevel_tests::fixtures_dir().join("unnamed-operations.yaml")).unwrap();
    let error = generate_strict("unnamed-operations.yaml", text).unwrap_err();
    assert_eq!(error.pointer, "/paths/~1accounts~1{id}/get");
}

#[test]
fn defaults_their_schema_refuses_are_dropped_and_bare_carriage_returns_end_lines() {
    let generated = generate_fixture("unfit-defaults.yaml").unwrap();
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "tests/fixtures/unfit-defaults.yaml#/components/schemas/Job/properties/priority/default: the default 0 is not of the schema's type `string`; dropped: the property has no default",
            "tests/fixtures/unfit-defaults.yaml#/components/schemas/Job/properties/kind/default: the default \"other\" is not among the schema's `enum` values; dropped: the property has no default",
        ]
    );
    for file in generated.files.values() {
        assert!(!file.contains('\r'), "a carriage return reached the crate");
    }
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("/// Its second line."), "{types}");
}
