//! Every number in typify's types becomes `serde_json::Number`, the end of
//! `wire`'s rewrite: a number is sent as it was written.

use syn::{Item, parse_quote};

/// `serde_json::Number` keeps a number as written: `100` is sent as `100`,
/// not `100.0`, and a large integer keeps every digit.
pub(crate) fn numbers_as_json(item: &mut Item) {
    use syn::visit_mut::VisitMut;
    struct Numbers;
    impl VisitMut for Numbers {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(path) = ty
                && path.qself.is_none()
                && (path.path.is_ident("f64") || path.path.is_ident("f32"))
            {
                *ty = parse_quote!(::serde_json::Number);
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }

        /// typify's default functions return float literals (`1_f64`); the
        /// type they return is now a JSON number.
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            // `1_f64` is an integer literal with a float suffix to syn.
            let literal = match expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Float(float),
                    ..
                }) => Some((float.suffix(), float.base10_digits(), float.span())),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(int),
                    ..
                }) => Some((int.suffix(), int.base10_digits(), int.span())),
                _ => None,
            };
            if let Some((suffix, digits, span)) = literal
                && matches!(suffix, "f64" | "f32")
            {
                let value = syn::LitFloat::new(&format!("{digits}_f64"), span);
                *expr = parse_quote!(
                    ::serde_json::Number::from_f64(#value).expect("a literal from the spec is finite")
                );
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    Numbers.visit_item_mut(item);
}
