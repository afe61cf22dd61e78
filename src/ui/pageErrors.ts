/**
 * Nothing fails silently: an error no handler caught, a promise nobody awaited and a request the
 * Content-Security-Policy blocked all reach the page's message area. What is loaded stays loaded.
 */
import { report } from '../state/messages.ts';

const KEPT = 'What you have loaded is still here.';

function describe(reason: unknown): string {
  const text = reason instanceof Error ? reason.message || reason.name : String(reason);
  return text.replace(/\.+$/, '');
}

export function reportPageErrors(target: Window = window): void {
  target.addEventListener('error', (e) => {
    // Resource load errors (an <img> that 404s) reach here too, without a message; they are not ours to name.
    if (!(e instanceof ErrorEvent) || !e.message) return;
    report('error', `Unexpected error: ${describe(e.message)}. ${KEPT}`, 'unexpected');
  });
  target.addEventListener('unhandledrejection', (e) => {
    report('error', `Unexpected error: ${describe(e.reason)}. ${KEPT}`, 'unexpected');
  });
  target.addEventListener('securitypolicyviolation', (e) => {
    const where = e.blockedURI && /^[a-z]+:\/\//.test(e.blockedURI) ? new URL(e.blockedURI).origin : e.blockedURI || 'an inline script';
    report('error', `Blocked by the studio's security policy (${e.effectiveDirective}): ${where}. Nothing was sent. ${KEPT}`, 'csp');
  });
}
