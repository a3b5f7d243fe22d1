// SAML sign-in: post the identity provider's answer again from this origin, so the
// session cookie (SameSite=Lax) travels with it. The button is the no-script fallback.
document.querySelectorAll("form[data-saml-continue]").forEach((form) => form.submit());
