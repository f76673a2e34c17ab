/**
 * Python distributions that need operating-system packages, per package manager.
 *
 * `build`: headers, libraries and tools needed to compile the distribution from source — which pip/uv
 * do when no wheel fits the platform (always, for psycopg2, mysqlclient, pycairo … on Linux).
 * `runtime`: shared libraries or programs the installed distribution loads, needed even when it came
 * as a wheel (python-magic needs libmagic; psycopg's pure-Python build loads libpq).
 * `compiles`: a C compiler is part of the build needs (added from COMPILER below).
 *
 * apt names were checked with `apt-cache show` on Debian 12 (bookworm); see system-deps.test.ts, which
 * re-checks them wherever apt's package lists exist. The other managers' names are Fedora (dnf; yum
 * uses the same), Arch (pacman), openSUSE (zypper), Alpine (apk) and Homebrew (brew) names. A manager is
 * left out of an entry when the name could not be stated with confidence. One library's (or tool's)
 * list, used here more than once or also by native-libraries.ts, lives in packages.ts.
 */

import {
  CAIRO_BUILD,
  CAIRO_RUNTIME,
  DBUS_BUILD,
  FFMPEG_RUNTIME,
  GDAL_BUILD,
  GDAL_RUNTIME,
  GEOS_BUILD,
  GLIB_BUILD,
  GOBJECT_INTROSPECTION_BUILD,
  GRAPHVIZ_BUILD,
  HDF5_BUILD,
  KRB5_BUILD,
  KRB5_RUNTIME,
  LEVELDB_BUILD,
  LIBCURL_BUILD,
  LIBFFI_BUILD,
  LIBPQ_BUILD,
  LIBPQ_RUNTIME,
  LIBXML2_BUILD,
  LIBXSLT_BUILD,
  LIBYAML_BUILD,
  MARIADB_CLIENT_BUILD,
  MARIADB_CLIENT_RUNTIME,
  MYSQLCLIENT_BUILD,
  OPENBLAS_BUILD,
  OPENSSL_BUILD,
  type PackagesByManager,
  PCRE2_BUILD,
  PKG_CONFIG,
  PORTAUDIO_BUILD,
  PROJ_BUILD,
  RDKAFKA_BUILD,
  SNAPPY_BUILD,
  SWIG_BUILD,
  type TableManager,
  UNIXODBC_BUILD,
  XMLSEC1_BUILD,
  ZEROMQ_BUILD,
} from "./packages.js";

export {
  MANAGERS,
  type PackagesByManager,
  PKG_CONFIG,
  type SystemPackageManager,
  type TableManager,
} from "./packages.js";

export interface SystemNeeds {
  build?: PackagesByManager;
  runtime?: PackagesByManager;
  compiles?: boolean;
}

/** A C toolchain. Homebrew has none to offer: macOS gets it from the Xcode Command Line Tools. */
export const COMPILER: PackagesByManager = {
  apt: ["build-essential"],
  dnf: ["gcc"],
  pacman: ["base-devel"],
  zypper: ["gcc"],
  apk: ["build-base"],
};

/** Merges package lists (pkg-config beside a library, GDAL under fiona …). */
function merge(...lists: PackagesByManager[]): PackagesByManager {
  const result: PackagesByManager = {};
  for (const list of lists) {
    for (const [manager, names] of Object.entries(list) as [TableManager, string[]][]) {
      result[manager] = [...new Set([...(result[manager] ?? []), ...names])];
    }
  }
  return result;
}

const PYCAIRO_BUILD = merge(CAIRO_BUILD, PKG_CONFIG);
const NUMPY_BUILD = merge(OPENBLAS_BUILD, PKG_CONFIG);
/** What gdal, fiona and rasterio build against. */
const GDAL_BINDINGS_BUILD = merge(GDAL_BUILD, { apt: ["gdal-bin"] }, PKG_CONFIG);
const KERBEROS: SystemNeeds = { compiles: true, build: KRB5_BUILD, runtime: KRB5_RUNTIME };

/** Keyed by PEP 503-normalised distribution name; `name[extra]` keys apply when that extra is requested. */
export const SYSTEM_NEEDS: Record<string, SystemNeeds> = {
  psycopg2: { compiles: true, build: merge(LIBPQ_BUILD, PKG_CONFIG), runtime: LIBPQ_RUNTIME },
  // The pure-Python psycopg 3 loads libpq with ctypes; its C speed-up compiles against it.
  psycopg: { runtime: LIBPQ_RUNTIME },
  "psycopg-c": { compiles: true, build: LIBPQ_BUILD, runtime: LIBPQ_RUNTIME },
  "psycopg[c]": { compiles: true, build: LIBPQ_BUILD, runtime: LIBPQ_RUNTIME },
  mysqlclient: {
    compiles: true,
    build: merge(MYSQLCLIENT_BUILD, PKG_CONFIG),
    runtime: { ...MARIADB_CLIENT_RUNTIME, brew: ["mysql-client"] },
  },
  mariadb: {
    compiles: true,
    build: MARIADB_CLIENT_BUILD,
    runtime: { ...MARIADB_CLIENT_RUNTIME, brew: ["mariadb-connector-c"] },
  },
  lxml: { compiles: true, build: merge(LIBXML2_BUILD, LIBXSLT_BUILD) },
  pillow: {
    compiles: true,
    build: {
      apt: ["libjpeg-dev", "zlib1g-dev", "libfreetype-dev"],
      dnf: ["libjpeg-turbo-devel", "zlib-devel", "freetype-devel"],
      pacman: ["libjpeg-turbo", "zlib", "freetype2"],
      zypper: ["libjpeg8-devel", "zlib-devel", "freetype2-devel"],
      apk: ["jpeg-dev", "zlib-dev", "freetype-dev"],
      brew: ["jpeg-turbo", "freetype"],
    },
  },
  pycairo: { compiles: true, build: PYCAIRO_BUILD, runtime: CAIRO_RUNTIME },
  pygobject: {
    compiles: true,
    build: merge(GOBJECT_INTROSPECTION_BUILD, { dnf: ["cairo-gobject-devel"] }, PYCAIRO_BUILD),
    runtime: {
      apt: ["gir1.2-glib-2.0", "libgirepository-1.0-1"],
      dnf: ["gobject-introspection"],
      pacman: ["gobject-introspection-runtime"],
      apk: ["gobject-introspection"],
      brew: ["gobject-introspection"],
    },
  },
  h5py: { compiles: true, build: merge(HDF5_BUILD, PKG_CONFIG) },
  pyaudio: {
    compiles: true,
    build: PORTAUDIO_BUILD,
    runtime: {
      apt: ["libportaudio2"],
      dnf: ["portaudio"],
      pacman: ["portaudio"],
      zypper: ["libportaudio2"],
      apk: ["portaudio"],
      brew: ["portaudio"],
    },
  },
  "python-ldap": {
    compiles: true,
    build: {
      apt: ["libldap-dev", "libsasl2-dev"],
      dnf: ["openldap-devel", "cyrus-sasl-devel"],
      pacman: ["libldap"],
      zypper: ["openldap2-devel", "cyrus-sasl-devel"],
      apk: ["openldap-dev"],
      brew: ["openldap"],
    },
    runtime: {
      apt: ["libldap-2.5-0", "libsasl2-2"],
      dnf: ["openldap", "cyrus-sasl-lib"],
      pacman: ["libldap"],
      apk: ["libldap"],
      brew: ["openldap"],
    },
  },
  gdal: { compiles: true, build: GDAL_BINDINGS_BUILD, runtime: GDAL_RUNTIME },
  fiona: { compiles: true, build: GDAL_BINDINGS_BUILD, runtime: GDAL_RUNTIME },
  rasterio: { compiles: true, build: GDAL_BINDINGS_BUILD, runtime: GDAL_RUNTIME },
  shapely: { compiles: true, build: GEOS_BUILD },
  pyproj: { compiles: true, build: merge(PROJ_BUILD, { apt: ["proj-bin"], apk: ["proj-util"] }) },
  pyodbc: {
    compiles: true,
    build: UNIXODBC_BUILD,
    // Wheels link libodbc but do not bundle it: the driver manager is a system component.
    runtime: {
      apt: ["libodbc2"],
      dnf: ["unixODBC"],
      pacman: ["unixodbc"],
      zypper: ["unixODBC"],
      apk: ["unixodbc"],
      brew: ["unixodbc"],
    },
  },
  pycurl: { compiles: true, build: merge(LIBCURL_BUILD, OPENSSL_BUILD) },
  // Only old versions or platforms without wheels build from source; since 3.4 that needs Rust.
  cryptography: {
    compiles: true,
    build: {
      apt: ["libssl-dev", "libffi-dev", "rustc", "cargo"],
      dnf: ["openssl-devel", "libffi-devel", "rust", "cargo"],
      pacman: ["openssl", "libffi", "rust"],
      zypper: ["libopenssl-devel", "libffi-devel", "rust", "cargo"],
      apk: ["openssl-dev", "libffi-dev", "rust", "cargo"],
      brew: ["openssl@3", "rust"],
    },
  },
  cffi: { compiles: true, build: LIBFFI_BUILD },
  // Optional: without libyaml PyYAML builds its pure-Python loader only.
  pyyaml: { build: LIBYAML_BUILD },
  numpy: { compiles: true, build: NUMPY_BUILD },
  scipy: {
    compiles: true,
    build: merge(NUMPY_BUILD, {
      apt: ["gfortran", "liblapack-dev"],
      dnf: ["gcc-gfortran", "lapack-devel"],
      pacman: ["gcc-fortran", "lapack"],
      zypper: ["gcc-fortran", "lapack-devel"],
      apk: ["gfortran", "lapack-dev"],
      brew: ["gcc"],
    }),
  },
  uwsgi: { compiles: true, build: merge(PCRE2_BUILD, OPENSSL_BUILD, { apk: ["linux-headers"] }) },
  pygraphviz: {
    compiles: true,
    build: merge(GRAPHVIZ_BUILD, { apt: ["graphviz"] }, PKG_CONFIG),
    runtime: {
      apt: ["graphviz"],
      dnf: ["graphviz"],
      pacman: ["graphviz"],
      zypper: ["graphviz"],
      apk: ["graphviz"],
      brew: ["graphviz"],
    },
  },
  // A ctypes wrapper: nothing to build, but libmagic must be there at run time.
  "python-magic": {
    runtime: {
      apt: ["libmagic1"],
      dnf: ["file-libs"],
      pacman: ["file"],
      zypper: ["libmagic1"],
      apk: ["libmagic"],
      brew: ["libmagic"],
    },
  },
  "dbus-python": {
    compiles: true,
    build: merge(DBUS_BUILD, GLIB_BUILD, PKG_CONFIG),
    runtime: {
      apt: ["libdbus-1-3"],
      dnf: ["dbus-libs"],
      pacman: ["dbus"],
      zypper: ["libdbus-1-3"],
      apk: ["dbus-libs"],
      brew: ["dbus"],
    },
  },
  pykerberos: KERBEROS,
  kerberos: KERBEROS,
  gssapi: KERBEROS,
  krb5: KERBEROS,
  xmlsec: {
    compiles: true,
    build: merge(
      XMLSEC1_BUILD,
      {
        apt: ["libxml2-dev"],
        dnf: ["xmlsec1-openssl-devel", "libtool-ltdl-devel"],
        zypper: ["xmlsec1-openssl-devel"],
      },
      PKG_CONFIG,
    ),
    runtime: {
      apt: ["libxmlsec1", "libxmlsec1-openssl"],
      dnf: ["xmlsec1", "xmlsec1-openssl"],
      pacman: ["xmlsec"],
      apk: ["xmlsec"],
      brew: ["libxmlsec1"],
    },
  },
  // pysaml2 signs and verifies by running the xmlsec1 program.
  pysaml2: {
    runtime: {
      apt: ["xmlsec1"],
      dnf: ["xmlsec1", "xmlsec1-openssl"],
      pacman: ["xmlsec"],
      apk: ["xmlsec"],
      brew: ["libxmlsec1"],
    },
  },
  "confluent-kafka": { compiles: true, build: RDKAFKA_BUILD },
  // Optional: pyzmq bundles libzmq when the system has none.
  pyzmq: { build: ZEROMQ_BUILD },
  pymssql: {
    compiles: true,
    build: {
      apt: ["freetds-dev"],
      dnf: ["freetds-devel"],
      pacman: ["freetds"],
      zypper: ["freetds-devel"],
      apk: ["freetds-dev"],
      brew: ["freetds"],
    },
  },
  // Versions before 0.7 (newer ones use cramjam and need nothing).
  "python-snappy": { compiles: true, build: SNAPPY_BUILD },
  plyvel: { compiles: true, build: LEVELDB_BUILD },
  leveldb: { compiles: true, build: LEVELDB_BUILD },
  netifaces: { compiles: true },
  m2crypto: { compiles: true, build: merge(OPENSSL_BUILD, SWIG_BUILD) },
  pyscard: {
    compiles: true,
    build: merge(
      {
        apt: ["libpcsclite-dev"],
        dnf: ["pcsc-lite-devel"],
        pacman: ["pcsclite"],
        zypper: ["pcsc-lite-devel"],
        apk: ["pcsc-lite-dev"],
      },
      SWIG_BUILD,
    ),
    runtime: {
      apt: ["libpcsclite1"],
      dnf: ["pcsc-lite-libs"],
      pacman: ["pcsclite"],
      zypper: ["libpcsclite1"],
      apk: ["pcsc-lite-libs"],
    },
  },
  pyusb: {
    runtime: {
      apt: ["libusb-1.0-0"],
      dnf: ["libusb1"],
      pacman: ["libusb"],
      zypper: ["libusb-1_0-0"],
      apk: ["libusb"],
      brew: ["libusb"],
    },
  },
  weasyprint: {
    runtime: {
      apt: ["libpango-1.0-0", "libpangoft2-1.0-0"],
      dnf: ["pango"],
      pacman: ["pango"],
      zypper: ["libpango-1_0-0"],
      apk: ["pango"],
      brew: ["pango"],
    },
  },
  cairosvg: { runtime: CAIRO_RUNTIME },
  pdf2image: {
    runtime: {
      apt: ["poppler-utils"],
      dnf: ["poppler-utils"],
      pacman: ["poppler"],
      zypper: ["poppler-tools"],
      apk: ["poppler-utils"],
      brew: ["poppler"],
    },
  },
  pytesseract: {
    runtime: {
      apt: ["tesseract-ocr"],
      dnf: ["tesseract"],
      pacman: ["tesseract"],
      zypper: ["tesseract-ocr"],
      apk: ["tesseract-ocr"],
      brew: ["tesseract"],
    },
  },
  pyvips: {
    runtime: { apt: ["libvips42"], dnf: ["vips"], pacman: ["libvips"], apk: ["vips"], brew: ["vips"] },
  },
  wand: {
    runtime: {
      apt: ["libmagickwand-6.q16-6"],
      dnf: ["ImageMagick-libs"],
      pacman: ["imagemagick"],
      apk: ["imagemagick-libs"],
      brew: ["imagemagick"],
    },
  },
  "ffmpeg-python": { runtime: FFMPEG_RUNTIME },
  pydub: { runtime: FFMPEG_RUNTIME },
};
