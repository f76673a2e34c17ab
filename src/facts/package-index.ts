import type { PackageIndex } from "./manifests/types.js";

/** PyPI's simple index, where uv looks when a project names no other. */
export const PYPI_SIMPLE_URL = "https://pypi.org/simple";

/**
 * PyPI under the names old manifests still carry: `pypi.python.org` (retired in 2018; the host now only
 * redirects, and some resolvers cannot reach it at all), its `/pypi` path (the XML-RPC/JSON API that pip
 * once took as an index), plain `http://`, and `pypi.org` itself without `/simple`.
 */
const PYPI_ALIAS =
  /^https?:\/\/(?:www\.)?(?:pypi\.python\.org|pypi\.org)(?::(?:80|443))?(?:\/(?:simple|pypi))?\/*$/i;

export function isPypiIndexUrl(url: string): boolean {
  return PYPI_ALIAS.test(url.trim());
}

/** The index with PyPI's current simple URL in place of any of its legacy names; others as they are. */
export function canonicalIndex(index: PackageIndex): PackageIndex {
  // Today's URL stays as the user wrote it (a trailing slash is no reason to rewrite a manifest's value).
  if (/^https:\/\/pypi\.org\/simple\/?$/.test(index.url.trim())) return index;
  return isPypiIndexUrl(index.url) ? { ...index, url: PYPI_SIMPLE_URL } : index;
}
