/**
 * What to do about a conda package that has no PyPI counterpart: the system packages that usually
 * provide the same thing (Debian/Ubuntu and Homebrew names), or why there is none.
 */
import { condaToPypi } from "../../facts/manifests/conda/pypi-names.js";

/** conda name → system packages (apt, brew) providing the same library or tool, for the common ones. */
const SYSTEM_EQUIVALENTS: Readonly<Record<string, { apt: string; brew: string }>> = {
  openssl: { apt: "libssl-dev", brew: "openssl@3" },
  libffi: { apt: "libffi-dev", brew: "libffi" },
  zlib: { apt: "zlib1g-dev", brew: "zlib" },
  libxml2: { apt: "libxml2-dev", brew: "libxml2" },
  libxslt: { apt: "libxslt1-dev", brew: "libxslt" },
  libpq: { apt: "libpq-dev", brew: "libpq" },
  postgresql: { apt: "postgresql", brew: "postgresql" },
  sqlite: { apt: "libsqlite3-dev", brew: "sqlite" },
  hdf5: { apt: "libhdf5-dev", brew: "hdf5" },
  gdal: { apt: "gdal-bin libgdal-dev", brew: "gdal" },
  geos: { apt: "libgeos-dev", brew: "geos" },
  proj: { apt: "proj-bin libproj-dev", brew: "proj" },
  graphviz: { apt: "graphviz", brew: "graphviz" },
  ffmpeg: { apt: "ffmpeg", brew: "ffmpeg" },
  git: { apt: "git", brew: "git" },
  nodejs: { apt: "nodejs", brew: "node" },
  gcc: { apt: "build-essential", brew: "gcc" },
  gxx: { apt: "build-essential", brew: "gcc" },
  compilers: { apt: "build-essential gfortran", brew: "gcc" },
  gfortran: { apt: "gfortran", brew: "gcc" },
  cmake: { apt: "cmake", brew: "cmake" },
  make: { apt: "make", brew: "make" },
  openblas: { apt: "libopenblas-dev", brew: "openblas" },
  "libgcc-ng": { apt: "libgcc-s1", brew: "gcc" },
  "libstdcxx-ng": { apt: "libstdc++6", brew: "gcc" },
};

/** One sentence: why the package is conda-only and how to get it without conda. */
export function condaOnlyAdvice(name: string): string {
  const conda = name.toLowerCase();
  const { reason } = condaToPypi(conda);
  const system = SYSTEM_EQUIVALENTS[conda];
  if (system) {
    return `${reason}; uv cannot install it: \`apt-get install ${system.apt}\` or \`brew install ${system.brew}\` (or keep a small conda environment for it)`;
  }
  return `${reason}; uv cannot install it: install the system package that provides it, or keep a small conda environment for it`;
}
