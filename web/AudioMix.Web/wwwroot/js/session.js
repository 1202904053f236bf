// Signing out of the dashboard: submits the page shell's sign-out form, which carries the antiforgery token.
export function signOut() {
  document.getElementById('audiomix-signout').submit();
}
