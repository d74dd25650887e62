//! Routes the query parameters that the model gives a style of their own
//! (`lower`'s `query_styles`) through `runtime::query_styles::styled_query`
//! in progenitor's raw client, in place of progenitor's exploded `form`
//! writing. A value the style cannot carry becomes an error naming the
//! parameter, before anything is sent.

use syn::visit_mut::VisitMut;

use crate::model::{Api, QueryStyle};

pub(crate) fn route(api: &Api, client: &mut [syn::Item]) {
    crate::syntax::rewrite_operation_methods(
        api,
        client,
        |operation| {
            let styles: &[(String, QueryStyle)] = &operation.query_styles;
            (!styles.is_empty()).then_some(styles)
        },
        |styles, block| Rewrite { styles }.visit_block_mut(block),
    );
}

struct Rewrite<'s> {
    styles: &'s [(String, QueryStyle)],
}

impl VisitMut for Rewrite<'_> {
    /// `.query(&progenitor_client::QueryParam::new("name", &value))`, for a
    /// styled `name`, becomes `.query(&<its pairs, or return the error>)`.
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "query" || call.args.len() != 1 {
            return;
        }
        let syn::Expr::Reference(reference) = &call.args[0] else {
            return;
        };
        let syn::Expr::Call(query_param) = &*reference.expr else {
            return;
        };
        let is_query_param = matches!(&*query_param.func, syn::Expr::Path(path)
            if path.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "QueryParam"));
        let (Some(syn::Expr::Lit(name)), Some(value)) =
            (query_param.args.first(), query_param.args.get(1))
        else {
            return;
        };
        let syn::Lit::Str(name) = &name.lit else {
            return;
        };
        let Some((_, style)) = self.styles.iter().find(|(spec, _)| *spec == name.value()) else {
            return;
        };
        if !is_query_param {
            return;
        }
        let style = style_path(*style);
        let value = value.clone();
        call.args[0] = syn::parse_quote! {
            &match crate::runtime::query_styles::styled_query(#name, #value, #style) {
                Ok(pairs) => pairs,
                Err(reason) => return Err(Error::InvalidRequest(reason)),
            }
        };
    }
}

fn style_path(style: QueryStyle) -> syn::Path {
    match style {
        QueryStyle::CommaDelimited => {
            syn::parse_quote!(crate::runtime::query_styles::QueryStyle::CommaDelimited)
        }
        QueryStyle::SpaceDelimited => {
            syn::parse_quote!(crate::runtime::query_styles::QueryStyle::SpaceDelimited)
        }
        QueryStyle::PipeDelimited => {
            syn::parse_quote!(crate::runtime::query_styles::QueryStyle::PipeDelimited)
        }
        QueryStyle::DeepObject => {
            syn::parse_quote!(crate::runtime::query_styles::QueryStyle::DeepObject)
        }
    }
}
