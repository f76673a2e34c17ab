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
 * left out of an entry when the name could not be stated with confidence.
 */

export const MANAGERS = ["apt", "dnf", "yum", "pacman", "zypper", "apk", "brew"] as const;
export type SystemPackageManager = (typeof MANAGERS)[number];

/** yum reads dnf's names (the same RPM repositories); the table stores them once. */
export type TableManager = Exclude<SystemPackageManager, "yum">;
export type PackagesByManager = Partial<Record<TableManager, string[]>>;

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

/** pkg-config itself, which every `pkg-config --cflags` in a build needs (native-libraries.ts uses it too). */
export const PKG_CONFIG: PackagesByManager = {
  apt: ["pkg-config"],
  dnf: ["pkgconf-pkg-config"],
  pacman: ["pkgconf"],
  zypper: ["pkgconf-pkg-config"],
  apk: ["pkgconf"],
  brew: ["pkgconf"],
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

const LIBPQ_RUNTIME: PackagesByManager = {
  apt: ["libpq5"],
  dnf: ["libpq"],
  pacman: ["postgresql-libs"],
  zypper: ["libpq5"],
  apk: ["libpq"],
  brew: ["libpq"],
};
const LIBPQ_BUILD: PackagesByManager = {
  apt: ["libpq-dev"],
  dnf: ["libpq-devel"],
  pacman: ["postgresql-libs"],
  zypper: ["postgresql-devel"],
  apk: ["libpq-dev"],
  brew: ["libpq"],
};
const MARIADB_CLIENT_BUILD: PackagesByManager = {
  apt: ["libmariadb-dev"],
  dnf: ["mariadb-connector-c-devel"],
  pacman: ["mariadb-libs"],
  zypper: ["libmariadb-devel"],
  apk: ["mariadb-connector-c-dev"],
  brew: ["mariadb-connector-c"],
};
const MARIADB_CLIENT_RUNTIME: PackagesByManager = {
  apt: ["libmariadb3"],
  dnf: ["mariadb-connector-c"],
  pacman: ["mariadb-libs"],
  zypper: ["libmariadb3"],
  apk: ["mariadb-connector-c"],
};
const GDAL_BUILD: PackagesByManager = merge(
  {
    apt: ["libgdal-dev", "gdal-bin"],
    dnf: ["gdal-devel"],
    pacman: ["gdal"],
    zypper: ["gdal-devel"],
    apk: ["gdal-dev"],
    brew: ["gdal"],
  },
  PKG_CONFIG,
);
const GDAL_RUNTIME: PackagesByManager = {
  apt: ["gdal-bin"],
  dnf: ["gdal-libs"],
  pacman: ["gdal"],
  zypper: ["gdal"],
  apk: ["gdal"],
  brew: ["gdal"],
};
const KERBEROS: SystemNeeds = {
  compiles: true,
  build: {
    apt: ["libkrb5-dev"],
    dnf: ["krb5-devel"],
    pacman: ["krb5"],
    zypper: ["krb5-devel"],
    apk: ["krb5-dev"],
    brew: ["krb5"],
  },
  runtime: {
    apt: ["libkrb5-3", "libgssapi-krb5-2"],
    dnf: ["krb5-libs"],
    pacman: ["krb5"],
    zypper: ["krb5"],
    apk: ["krb5-libs"],
    brew: ["krb5"],
  },
};
const OPENBLAS_BUILD: PackagesByManager = merge(
  {
    apt: ["libopenblas-dev"],
    dnf: ["openblas-devel"],
    pacman: ["openblas"],
    apk: ["openblas-dev"],
    brew: ["openblas"],
  },
  PKG_CONFIG,
);
const CAIRO_BUILD: PackagesByManager = merge(
  {
    apt: ["libcairo2-dev"],
    dnf: ["cairo-devel"],
    pacman: ["cairo"],
    zypper: ["cairo-devel"],
    apk: ["cairo-dev"],
    brew: ["cairo"],
  },
  PKG_CONFIG,
);
const CAIRO_RUNTIME: PackagesByManager = {
  apt: ["libcairo2"],
  dnf: ["cairo"],
  pacman: ["cairo"],
  zypper: ["libcairo2"],
  apk: ["cairo"],
  brew: ["cairo"],
};

/** Keyed by PEP 503-normalised distribution name; `name[extra]` keys apply when that extra is requested. */
export const SYSTEM_NEEDS: Record<string, SystemNeeds> = {
  psycopg2: { compiles: true, build: merge(LIBPQ_BUILD, PKG_CONFIG), runtime: LIBPQ_RUNTIME },
  // The pure-Python psycopg 3 loads libpq with ctypes; its C speed-up compiles against it.
  psycopg: { runtime: LIBPQ_RUNTIME },
  "psycopg-c": { compiles: true, build: LIBPQ_BUILD, runtime: LIBPQ_RUNTIME },
  "psycopg[c]": { compiles: true, build: LIBPQ_BUILD, runtime: LIBPQ_RUNTIME },
  mysqlclient: {
    compiles: true,
    build: merge(
      {
        apt: ["default-libmysqlclient-dev"],
        dnf: ["mariadb-connector-c-devel"],
        pacman: ["mariadb-libs"],
        zypper: ["libmariadb-devel"],
        apk: ["mariadb-connector-c-dev"],
        brew: ["mysql-client"],
      },
      PKG_CONFIG,
    ),
    runtime: { ...MARIADB_CLIENT_RUNTIME, brew: ["mysql-client"] },
  },
  mariadb: {
    compiles: true,
    build: MARIADB_CLIENT_BUILD,
    runtime: { ...MARIADB_CLIENT_RUNTIME, brew: ["mariadb-connector-c"] },
  },
  lxml: {
    compiles: true,
    build: {
      apt: ["libxml2-dev", "libxslt1-dev"],
      dnf: ["libxml2-devel", "libxslt-devel"],
      pacman: ["libxml2", "libxslt"],
      zypper: ["libxml2-devel", "libxslt-devel"],
      apk: ["libxml2-dev", "libxslt-dev"],
      brew: ["libxml2", "libxslt"],
    },
  },
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
  pycairo: { compiles: true, build: CAIRO_BUILD, runtime: CAIRO_RUNTIME },
  pygobject: {
    compiles: true,
    build: merge(
      {
        apt: ["libgirepository1.0-dev"],
        dnf: ["gobject-introspection-devel", "cairo-gobject-devel"],
        pacman: ["gobject-introspection"],
        zypper: ["gobject-introspection-devel"],
        apk: ["gobject-introspection-dev"],
        brew: ["gobject-introspection"],
      },
      CAIRO_BUILD,
    ),
    runtime: {
      apt: ["gir1.2-glib-2.0", "libgirepository-1.0-1"],
      dnf: ["gobject-introspection"],
      pacman: ["gobject-introspection-runtime"],
      apk: ["gobject-introspection"],
      brew: ["gobject-introspection"],
    },
  },
  h5py: {
    compiles: true,
    build: merge(
      {
        apt: ["libhdf5-dev"],
        dnf: ["hdf5-devel"],
        pacman: ["hdf5"],
        zypper: ["hdf5-devel"],
        apk: ["hdf5-dev"],
        brew: ["hdf5"],
      },
      PKG_CONFIG,
    ),
  },
  pyaudio: {
    compiles: true,
    build: {
      apt: ["portaudio19-dev"],
      dnf: ["portaudio-devel"],
      pacman: ["portaudio"],
      zypper: ["portaudio-devel"],
      apk: ["portaudio-dev"],
      brew: ["portaudio"],
    },
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
  gdal: { compiles: true, build: GDAL_BUILD, runtime: GDAL_RUNTIME },
  fiona: { compiles: true, build: GDAL_BUILD, runtime: GDAL_RUNTIME },
  rasterio: { compiles: true, build: GDAL_BUILD, runtime: GDAL_RUNTIME },
  shapely: {
    compiles: true,
    build: {
      apt: ["libgeos-dev"],
      dnf: ["geos-devel"],
      pacman: ["geos"],
      zypper: ["geos-devel"],
      apk: ["geos-dev"],
      brew: ["geos"],
    },
  },
  pyproj: {
    compiles: true,
    build: {
      apt: ["libproj-dev", "proj-bin"],
      dnf: ["proj-devel"],
      pacman: ["proj"],
      zypper: ["proj-devel"],
      apk: ["proj-dev", "proj-util"],
      brew: ["proj"],
    },
  },
  pyodbc: {
    compiles: true,
    build: {
      apt: ["unixodbc-dev"],
      dnf: ["unixODBC-devel"],
      pacman: ["unixodbc"],
      zypper: ["unixODBC-devel"],
      apk: ["unixodbc-dev"],
      brew: ["unixodbc"],
    },
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
  pycurl: {
    compiles: true,
    build: {
      apt: ["libcurl4-openssl-dev", "libssl-dev"],
      dnf: ["libcurl-devel", "openssl-devel"],
      pacman: ["curl", "openssl"],
      zypper: ["libcurl-devel", "libopenssl-devel"],
      apk: ["curl-dev", "openssl-dev"],
      brew: ["curl", "openssl@3"],
    },
  },
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
  cffi: {
    compiles: true,
    build: {
      apt: ["libffi-dev"],
      dnf: ["libffi-devel"],
      pacman: ["libffi"],
      zypper: ["libffi-devel"],
      apk: ["libffi-dev"],
      brew: ["libffi"],
    },
  },
  // Optional: without libyaml PyYAML builds its pure-Python loader only.
  pyyaml: {
    build: {
      apt: ["libyaml-dev"],
      dnf: ["libyaml-devel"],
      pacman: ["libyaml"],
      zypper: ["libyaml-devel"],
      apk: ["yaml-dev"],
      brew: ["libyaml"],
    },
  },
  numpy: { compiles: true, build: OPENBLAS_BUILD },
  scipy: {
    compiles: true,
    build: merge(OPENBLAS_BUILD, {
      apt: ["gfortran", "liblapack-dev"],
      dnf: ["gcc-gfortran", "lapack-devel"],
      pacman: ["gcc-fortran", "lapack"],
      zypper: ["gcc-fortran", "lapack-devel"],
      apk: ["gfortran", "lapack-dev"],
      brew: ["gcc"],
    }),
  },
  uwsgi: {
    compiles: true,
    build: {
      apt: ["libpcre2-dev", "libssl-dev"],
      dnf: ["pcre2-devel", "openssl-devel"],
      pacman: ["pcre2", "openssl"],
      zypper: ["pcre2-devel", "libopenssl-devel"],
      apk: ["pcre2-dev", "openssl-dev", "linux-headers"],
      brew: ["pcre2", "openssl@3"],
    },
  },
  pygraphviz: {
    compiles: true,
    build: merge(
      {
        apt: ["libgraphviz-dev", "graphviz"],
        dnf: ["graphviz-devel"],
        pacman: ["graphviz"],
        zypper: ["graphviz-devel"],
        apk: ["graphviz-dev"],
        brew: ["graphviz"],
      },
      PKG_CONFIG,
    ),
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
    build: merge(
      {
        apt: ["libdbus-1-dev", "libglib2.0-dev"],
        dnf: ["dbus-devel", "glib2-devel"],
        pacman: ["dbus", "glib2"],
        zypper: ["dbus-1-devel", "glib2-devel"],
        apk: ["dbus-dev", "glib-dev"],
        brew: ["dbus", "glib"],
      },
      PKG_CONFIG,
    ),
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
      {
        apt: ["libxmlsec1-dev", "libxml2-dev"],
        dnf: ["xmlsec1-devel", "xmlsec1-openssl-devel", "libtool-ltdl-devel"],
        pacman: ["xmlsec"],
        zypper: ["xmlsec1-devel", "xmlsec1-openssl-devel"],
        apk: ["xmlsec-dev"],
        brew: ["libxmlsec1"],
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
  "confluent-kafka": {
    compiles: true,
    build: {
      apt: ["librdkafka-dev"],
      dnf: ["librdkafka-devel"],
      pacman: ["librdkafka"],
      zypper: ["librdkafka-devel"],
      apk: ["librdkafka-dev"],
      brew: ["librdkafka"],
    },
  },
  // Optional: pyzmq bundles libzmq when the system has none.
  pyzmq: {
    build: {
      apt: ["libzmq3-dev"],
      dnf: ["zeromq-devel"],
      pacman: ["zeromq"],
      zypper: ["zeromq-devel"],
      apk: ["zeromq-dev"],
      brew: ["zeromq"],
    },
  },
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
  "python-snappy": {
    compiles: true,
    build: {
      apt: ["libsnappy-dev"],
      dnf: ["snappy-devel"],
      pacman: ["snappy"],
      zypper: ["snappy-devel"],
      apk: ["snappy-dev"],
      brew: ["snappy"],
    },
  },
  plyvel: {
    compiles: true,
    build: {
      apt: ["libleveldb-dev"],
      dnf: ["leveldb-devel"],
      pacman: ["leveldb"],
      zypper: ["leveldb-devel"],
      apk: ["leveldb-dev"],
      brew: ["leveldb"],
    },
  },
  leveldb: {
    compiles: true,
    build: {
      apt: ["libleveldb-dev"],
      dnf: ["leveldb-devel"],
      pacman: ["leveldb"],
      zypper: ["leveldb-devel"],
      apk: ["leveldb-dev"],
      brew: ["leveldb"],
    },
  },
  netifaces: { compiles: true },
  m2crypto: {
    compiles: true,
    build: {
      apt: ["libssl-dev", "swig"],
      dnf: ["openssl-devel", "swig"],
      pacman: ["openssl", "swig"],
      zypper: ["libopenssl-devel", "swig"],
      apk: ["openssl-dev", "swig"],
      brew: ["openssl@3", "swig"],
    },
  },
  pyscard: {
    compiles: true,
    build: {
      apt: ["libpcsclite-dev", "swig"],
      dnf: ["pcsc-lite-devel", "swig"],
      pacman: ["pcsclite", "swig"],
      zypper: ["pcsc-lite-devel", "swig"],
      apk: ["pcsc-lite-dev", "swig"],
      brew: ["swig"],
    },
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
  "ffmpeg-python": {
    runtime: { apt: ["ffmpeg"], pacman: ["ffmpeg"], apk: ["ffmpeg"], brew: ["ffmpeg"] },
  },
  pydub: {
    runtime: { apt: ["ffmpeg"], pacman: ["ffmpeg"], apk: ["ffmpeg"], brew: ["ffmpeg"] },
  },
};
