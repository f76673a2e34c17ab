import { describe, expect, it } from "vitest";
import { MASK, redactOutput, redactText } from "./redact.js";
import { CREDENTIAL_FORMS, NOT_SECRETS } from "./redact-corpus.js";

describe("the redaction rule set against the credential corpus", () => {
  it("holds at least 30 forms", () => {
    expect(CREDENTIAL_FORMS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CREDENTIAL_FORMS.map((form) => [form.name, form] as const))("%s", (_name, form) => {
    expect(form.text).toContain(form.secret);
    for (const redact of [redactText, redactOutput]) {
      const shown = redact(form.text);
      expect(shown).not.toContain(form.secret);
      expect(shown).toContain(MASK);
      // Inside a longer line, a JSON string and a stack trace line, as printed.
      expect(redact(`warning: could not reach ${form.text} (retrying)`)).not.toContain(form.secret);
      expect(redact(JSON.stringify({ detail: form.text }))).not.toContain(form.secret);
      expect(redact(`    at fetch (${form.text})`)).not.toContain(form.secret);
    }
  });

  it.each(NOT_SECRETS)("keeps %s as it is", (text) => {
    expect(redactOutput(text)).toBe(text);
    expect(redactOutput(JSON.stringify({ value: text }))).toBe(JSON.stringify({ value: text }));
  });

  it("keeps JSON valid: quoted values stay quoted, literals stay literals", () => {
    const json = JSON.stringify({ password: "hunter22", tokens: 3, auth: true, note: "token: abcdef12" });
    const shown = redactOutput(json);
    expect(() => JSON.parse(shown)).not.toThrow();
    expect(shown).not.toContain("abcdef12");
  });
});
