/**
 * conda package names → PyPI distribution names.
 *
 * Most conda-forge Python packages carry their PyPI name, so an unknown name is assumed to be the same on
 * PyPI (and the reason says so). This table holds the common exceptions: packages renamed on conda-forge
 * (`pytorch` is `torch` on PyPI, `py-opencv` is `opencv-python`, `matplotlib-base` is `matplotlib`), and
 * packages that only a conda-like ecosystem provides (compilers, C/C++ libraries, CUDA, R, tools), which
 * have no PyPI counterpart a project should depend on.
 *
 * Sources: conda-forge feedstock recipes (each recipe's `source.url` names the PyPI sdist it builds) and
 * the PyPI project pages of the targets. Names are conda's (lower case); targets are written as PyPI does.
 */

/** conda name → PyPI name, where they differ (beyond PEP 503 normalisation) or where conda splits a package. */
export const CONDA_TO_PYPI: Readonly<Record<string, string>> = {
  pytorch: "torch",
  "pytorch-cpu": "torch",
  "pytorch-gpu": "torch",
  "pytorch-lightning": "pytorch-lightning",
  "pytorch-scatter": "torch-scatter",
  "pytorch-sparse": "torch-sparse",
  "pytorch-cluster": "torch-cluster",
  pyg: "torch-geometric",
  pytorch_geometric: "torch-geometric",
  "py-opencv": "opencv-python",
  opencv: "opencv-python",
  "opencv-python-headless": "opencv-python-headless",
  pyyaml: "PyYAML",
  "matplotlib-base": "matplotlib",
  "msgpack-python": "msgpack",
  "tensorflow-gpu": "tensorflow",
  "tensorflow-cpu": "tensorflow-cpu",
  "tensorflow-base": "tensorflow",
  "numpy-base": "numpy",
  "dask-core": "dask",
  "qtconsole-base": "qtconsole",
  jupyterlab_server: "jupyterlab-server",
  "python-graphviz": "graphviz",
  pytables: "tables",
  "py-xgboost": "xgboost",
  "py-xgboost-cpu": "xgboost",
  "py-xgboost-gpu": "xgboost",
  "py-lief": "lief",
  pyqt: "PyQt5",
  pyqtwebengine: "PyQtWebEngine",
  "python-kaleido": "kaleido",
  ruamel_yaml: "ruamel.yaml",
  "python-tzdata": "tzdata",
  "python-build": "build",
  "python-installer": "installer",
  "python-fastjsonschema": "fastjsonschema",
  "python-flatbuffers": "flatbuffers",
  "python-duckdb": "duckdb",
  "python-xxhash": "xxhash",
  "python-lmdb": "lmdb",
  "python-clang": "libclang",
  "pybind11-global": "pybind11",
  faiss: "faiss-cpu",
  gdal: "GDAL",
  beautifulsoup4: "beautifulsoup4",
  pyopenssl: "pyOpenSSL",
  pysocks: "PySocks",
  pygobject: "PyGObject",
  jpype1: "JPype1",
  netcdf4: "netCDF4",
  typing_extensions: "typing-extensions",
  importlib_metadata: "importlib-metadata",
  prompt_toolkit: "prompt-toolkit",
  "scikit-learn": "scikit-learn",
  sqlalchemy: "SQLAlchemy",
  pillow: "pillow",
};

/** Why a conda-only package has no PyPI counterpart, by family. */
const REASONS = {
  native: "a native (C/C++/Fortran) library; PyPI wheels bundle their own copy or need the system package",
  compiler: "a compiler toolchain; install the system compilers instead (build-essential / Xcode tools)",
  cuda: "part of NVIDIA CUDA; PyPI wheels such as torch and tensorflow bring their own CUDA libraries",
  r: "an R package; R packages are not on PyPI",
  tool: "a command-line tool, not a Python package; install it with the system package manager",
  conda: "conda's own tooling or metadata; not needed outside conda",
} as const;

/** conda packages with no PyPI counterpart a project should depend on. */
export const CONDA_ONLY: Readonly<Record<string, keyof typeof REASONS>> = {
  ...family("native", [
    "blas",
    "blas-devel",
    "openblas",
    "mkl",
    "mkl-service",
    "mkl_fft",
    "mkl_random",
    "intel-openmp",
    "llvm-openmp",
    "tbb",
    "openssl",
    "ca-certificates",
    "zlib",
    "xz",
    "bzip2",
    "lz4-c",
    "zstd",
    "snappy",
    "ncurses",
    "readline",
    "sqlite",
    "tk",
    "tzdata",
    "icu",
    "hdf5",
    "netcdf-c",
    "geos",
    "proj",
    "jpeg",
    "freetype",
    "fontconfig",
    "cairo",
    "pango",
    "glib",
    "gtk3",
    "qt",
    "qt-main",
    "krb5",
    "unixodbc",
    "postgresql",
    "mysql",
    "boost",
    "boost-cpp",
    "eigen",
    "zeromq",
    "arrow-cpp",
    "grpc-cpp",
    "portaudio",
    "xxhash",
    "ld_impl_linux-64",
    "expat",
    "pcre",
    "pcre2",
    "gettext",
    "c-ares",
    "yaml",
    "yaml-cpp",
    "fftw",
    "gmp",
    "mpfr",
  ]),
  ...family("compiler", [
    "gcc",
    "gxx",
    "gfortran",
    "clang",
    "clangxx",
    "llvm",
    "compilers",
    "c-compiler",
    "cxx-compiler",
    "fortran-compiler",
    "binutils",
    "sysroot_linux-64",
    "kernel-headers_linux-64",
  ]),
  ...family("cuda", ["cudatoolkit", "cudnn", "nccl", "cutensor", "pytorch-cuda", "cpuonly", "pytorch-mutex"]),
  ...family("tool", [
    "git",
    "make",
    "nodejs",
    "openjdk",
    "ffmpeg",
    "graphviz",
    "imagemagick",
    "poppler",
    "tesseract",
    "pandoc",
    "curl",
    "wget",
    "vim",
    "google-cloud-sdk",
  ]),
  ...family("conda", [
    "conda",
    "conda-build",
    "mamba",
    "conda-forge-pinning",
    "nb_conda_kernels",
    "nb_conda",
  ]),
};

/** `lib*` names that are Python packages on PyPI, not native libraries. */
const PYTHON_LIB_PACKAGES = new Set([
  "librosa",
  "libcst",
  "libsass",
  "libtmux",
  "libarchive-c",
  "libusb1",
  "libvirt-python",
]);

export interface CondaMapping {
  /** The PyPI distribution, or null when the package only exists in conda-like ecosystems. */
  pypi: string | null;
  reason: string;
}

/** Maps a conda package name to its PyPI name, or says why it has none. */
export function condaToPypi(name: string): CondaMapping {
  const conda = name.trim().toLowerCase();
  if (conda === "python")
    return { pypi: null, reason: "the interpreter itself; dhtl pins it as the Python version" };
  if (conda === "pip") return { pypi: null, reason: "the installer itself, not a dependency" };
  const renamed = CONDA_TO_PYPI[conda];
  if (renamed) {
    return renamed.toLowerCase() === conda
      ? { pypi: renamed, reason: "same name on PyPI" }
      : { pypi: renamed, reason: `conda's ${conda} is ${renamed} on PyPI` };
  }
  const only = CONDA_ONLY[conda];
  if (only) return { pypi: null, reason: REASONS[only] };
  if (conda.startsWith("r-")) return { pypi: null, reason: REASONS.r };
  if (conda.startsWith("cuda-") || conda.startsWith("libcu") || conda.startsWith("libnv")) {
    return { pypi: null, reason: REASONS.cuda };
  }
  if (conda.startsWith("_") || /_(linux|osx|win)-(64|aarch64|arm64|ppc64le|32)$/.test(conda)) {
    return { pypi: null, reason: REASONS.conda };
  }
  if (conda.startsWith("lib") && !PYTHON_LIB_PACKAGES.has(conda))
    return { pypi: null, reason: REASONS.native };
  if (conda.endsWith("-devel") || conda.endsWith("-static")) return { pypi: null, reason: REASONS.native };
  return {
    pypi: name.trim(),
    reason: "assumed to have the same name on PyPI (most conda-forge packages do)",
  };
}

function family<K extends keyof typeof REASONS>(kind: K, names: string[]): Record<string, K> {
  return Object.fromEntries(names.map((name) => [name, kind]));
}
