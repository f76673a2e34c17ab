/**
 * C libraries and build tools a project's own extension asks for, by the names its build files use:
 * pkg-config modules (`pkg-config --cflags cairo`, meson's `dependency('cairo')`, CMake's
 * `pkg_check_modules`), linker names (`Extension(libraries=["pq"])`), `*-config` programs
 * (`mysql_config`) and CMake `find_package` names — mapped to the packages that provide their headers,
 * per manager.
 *
 * apt names were checked with `apt-cache show` on Debian 12 (bookworm), and for the MySQL/MariaDB names
 * with `dpkg -c` of the packages (libmariadb-dev ships `mariadb.pc`, `libmariadb.pc` and `mariadb_config`;
 * default-libmysqlclient-dev brings libmariadb-dev-compat's `mysqlclient.pc` and `mysql_config`);
 * system-deps.test.ts re-checks the apt names wherever apt's lists exist. Other managers are named where
 * the name is certain (Fedora, Arch, openSUSE, Alpine, Homebrew) and left out otherwise. pkg-config
 * itself comes with every entry a build finds through it.
 */
import {
  CAIRO_BUILD,
  DBUS_BUILD,
  GDAL_BUILD,
  GEOS_BUILD,
  GLIB_BUILD,
  GOBJECT_INTROSPECTION_BUILD,
  GRAPHVIZ_BUILD,
  HDF5_BUILD,
  KRB5_BUILD,
  LEVELDB_BUILD,
  LIBCURL_BUILD,
  LIBFFI_BUILD,
  LIBPQ_BUILD,
  LIBXML2_BUILD,
  LIBXSLT_BUILD,
  LIBYAML_BUILD,
  MARIADB_CLIENT_BUILD,
  MYSQLCLIENT_BUILD,
  OPENBLAS_BUILD,
  OPENSSL_BUILD,
  type PackagesByManager,
  PCRE2_BUILD,
  PORTAUDIO_BUILD,
  PROJ_BUILD,
  RDKAFKA_BUILD,
  SNAPPY_BUILD,
  UNIXODBC_BUILD,
  XMLSEC1_BUILD,
  ZEROMQ_BUILD,
} from "./packages.js";

export interface NativeLibrary {
  /** pkg-config module names (also meson `dependency()` and CMake `pkg_check_modules` names). */
  pkgConfig?: string[];
  /** Linker names, as in `-lpq` or `Extension(libraries=["pq"])`. */
  link?: string[];
  /** `*-config` programs that print the flags (`pg_config`, `mysql_config`). */
  tools?: string[];
  /** CMake `find_package` names. */
  cmake?: string[];
  build: PackagesByManager;
}

/** meson builds with ninja; uv installs meson (meson-python) but the ninja it runs comes from the system. */
export const NINJA_TOOL: PackagesByManager = {
  apt: ["ninja-build"],
  dnf: ["ninja-build"],
  pacman: ["ninja"],
  zypper: ["ninja"],
  brew: ["ninja"],
};

const lib = (names: Omit<NativeLibrary, "build">, build: PackagesByManager): NativeLibrary => ({
  ...names,
  build,
});

/** Keyed by a short name for messages; the names a build file uses are in each entry. */
export const NATIVE_LIBRARIES: Record<string, NativeLibrary> = {
  mysqlclient: lib(
    { pkgConfig: ["mysqlclient"], link: ["mysqlclient"], tools: ["mysql_config"] },
    MYSQLCLIENT_BUILD,
  ),
  mariadb: lib(
    { pkgConfig: ["mariadb", "libmariadb"], link: ["mariadb"], tools: ["mariadb_config", "mariadb-config"] },
    MARIADB_CLIENT_BUILD,
  ),
  // Percona's client is not in the distributions' repositories: known, so it is no unknown name, but
  // nothing to install (an alternative beside it usually is).
  perconaserverclient: lib({ pkgConfig: ["perconaserverclient"] }, {}),
  libpq: lib(
    { pkgConfig: ["libpq"], link: ["pq"], tools: ["pg_config"], cmake: ["PostgreSQL"] },
    LIBPQ_BUILD,
  ),
  cairo: lib(
    {
      pkgConfig: ["cairo", "cairo-ft", "cairo-pdf", "cairo-png", "cairo-svg", "cairo-xlib"],
      link: ["cairo"],
    },
    CAIRO_BUILD,
  ),
  libffi: lib({ pkgConfig: ["libffi"], link: ["ffi"] }, LIBFFI_BUILD),
  openssl: lib(
    { pkgConfig: ["openssl", "libssl", "libcrypto"], link: ["ssl", "crypto"], cmake: ["OpenSSL"] },
    OPENSSL_BUILD,
  ),
  zlib: lib(
    { pkgConfig: ["zlib"], link: ["z"], cmake: ["ZLIB"] },
    {
      apt: ["zlib1g-dev"],
      dnf: ["zlib-devel"],
      pacman: ["zlib"],
      zypper: ["zlib-devel"],
      apk: ["zlib-dev"],
      brew: ["zlib"],
    },
  ),
  libxml2: lib(
    { pkgConfig: ["libxml-2.0"], link: ["xml2"], tools: ["xml2-config"], cmake: ["LibXml2"] },
    LIBXML2_BUILD,
  ),
  libxslt: lib(
    {
      pkgConfig: ["libxslt", "libexslt"],
      link: ["xslt", "exslt"],
      tools: ["xslt-config"],
      cmake: ["LibXslt"],
    },
    LIBXSLT_BUILD,
  ),
  libjpeg: lib(
    { pkgConfig: ["libjpeg", "libturbojpeg"], link: ["jpeg", "turbojpeg"], cmake: ["JPEG"] },
    {
      apt: ["libjpeg-dev"],
      dnf: ["libjpeg-turbo-devel"],
      pacman: ["libjpeg-turbo"],
      zypper: ["libjpeg8-devel"],
      apk: ["libjpeg-turbo-dev"],
      brew: ["jpeg-turbo"],
    },
  ),
  libpng: lib(
    { pkgConfig: ["libpng", "libpng16"], link: ["png", "png16"], tools: ["libpng-config"], cmake: ["PNG"] },
    {
      apt: ["libpng-dev"],
      dnf: ["libpng-devel"],
      pacman: ["libpng"],
      zypper: ["libpng16-devel"],
      apk: ["libpng-dev"],
      brew: ["libpng"],
    },
  ),
  freetype: lib(
    { pkgConfig: ["freetype2"], link: ["freetype"], tools: ["freetype-config"], cmake: ["Freetype"] },
    {
      apt: ["libfreetype-dev"],
      dnf: ["freetype-devel"],
      pacman: ["freetype2"],
      zypper: ["freetype2-devel"],
      apk: ["freetype-dev"],
      brew: ["freetype"],
    },
  ),
  libcurl: lib(
    { pkgConfig: ["libcurl"], link: ["curl"], tools: ["curl-config"], cmake: ["CURL"] },
    LIBCURL_BUILD,
  ),
  sqlite3: lib(
    { pkgConfig: ["sqlite3"], link: ["sqlite3"], cmake: ["SQLite3"] },
    {
      apt: ["libsqlite3-dev"],
      dnf: ["sqlite-devel"],
      pacman: ["sqlite"],
      zypper: ["sqlite3-devel"],
      apk: ["sqlite-dev"],
      brew: ["sqlite"],
    },
  ),
  libyaml: lib({ pkgConfig: ["yaml-0.1"], link: ["yaml"] }, LIBYAML_BUILD),
  gdal: lib({ pkgConfig: ["gdal"], link: ["gdal"], tools: ["gdal-config"], cmake: ["GDAL"] }, GDAL_BUILD),
  geos: lib(
    { pkgConfig: ["geos"], link: ["geos_c", "geos"], tools: ["geos-config"], cmake: ["GEOS"] },
    GEOS_BUILD,
  ),
  proj: lib({ pkgConfig: ["proj"], link: ["proj"], cmake: ["PROJ"] }, PROJ_BUILD),
  hdf5: lib({ pkgConfig: ["hdf5"], link: ["hdf5"], cmake: ["HDF5"] }, HDF5_BUILD),
  gmp: lib(
    { pkgConfig: ["gmp"], link: ["gmp"] },
    {
      apt: ["libgmp-dev"],
      dnf: ["gmp-devel"],
      pacman: ["gmp"],
      zypper: ["gmp-devel"],
      apk: ["gmp-dev"],
      brew: ["gmp"],
    },
  ),
  mpfr: lib(
    { pkgConfig: ["mpfr"], link: ["mpfr"] },
    { apt: ["libmpfr-dev"], dnf: ["mpfr-devel"], pacman: ["mpfr"], apk: ["mpfr-dev"], brew: ["mpfr"] },
  ),
  mpc: lib(
    { link: ["mpc"] },
    { apt: ["libmpc-dev"], dnf: ["libmpc-devel"], pacman: ["libmpc"], apk: ["mpc1-dev"], brew: ["libmpc"] },
  ),
  lz4: lib(
    { pkgConfig: ["liblz4"], link: ["lz4"] },
    {
      apt: ["liblz4-dev"],
      dnf: ["lz4-devel"],
      pacman: ["lz4"],
      zypper: ["liblz4-devel"],
      apk: ["lz4-dev"],
      brew: ["lz4"],
    },
  ),
  zstd: lib(
    { pkgConfig: ["libzstd"], link: ["zstd"], cmake: ["zstd"] },
    {
      apt: ["libzstd-dev"],
      dnf: ["libzstd-devel"],
      pacman: ["zstd"],
      zypper: ["libzstd-devel"],
      apk: ["zstd-dev"],
      brew: ["zstd"],
    },
  ),
  bzip2: lib(
    { pkgConfig: ["bzip2"], link: ["bz2"], cmake: ["BZip2"] },
    {
      apt: ["libbz2-dev"],
      dnf: ["bzip2-devel"],
      pacman: ["bzip2"],
      zypper: ["libbz2-devel"],
      apk: ["bzip2-dev"],
      brew: ["bzip2"],
    },
  ),
  lzma: lib(
    { pkgConfig: ["liblzma"], link: ["lzma"], cmake: ["LibLZMA"] },
    {
      apt: ["liblzma-dev"],
      dnf: ["xz-devel"],
      pacman: ["xz"],
      zypper: ["xz-devel"],
      apk: ["xz-dev"],
      brew: ["xz"],
    },
  ),
  readline: lib(
    { pkgConfig: ["readline"], link: ["readline"] },
    {
      apt: ["libreadline-dev"],
      dnf: ["readline-devel"],
      pacman: ["readline"],
      zypper: ["readline-devel"],
      apk: ["readline-dev"],
      brew: ["readline"],
    },
  ),
  ncurses: lib(
    { pkgConfig: ["ncurses", "ncursesw"], link: ["ncurses", "ncursesw"], cmake: ["Curses"] },
    {
      apt: ["libncurses-dev"],
      dnf: ["ncurses-devel"],
      pacman: ["ncurses"],
      zypper: ["ncurses-devel"],
      apk: ["ncurses-dev"],
      brew: ["ncurses"],
    },
  ),
  uuid: lib(
    { pkgConfig: ["uuid"], link: ["uuid"] },
    {
      apt: ["uuid-dev"],
      dnf: ["libuuid-devel"],
      pacman: ["util-linux-libs"],
      zypper: ["libuuid-devel"],
      apk: ["util-linux-dev"],
    },
  ),
  expat: lib(
    { pkgConfig: ["expat"], link: ["expat"], cmake: ["EXPAT"] },
    {
      apt: ["libexpat1-dev"],
      dnf: ["expat-devel"],
      pacman: ["expat"],
      zypper: ["libexpat-devel"],
      apk: ["expat-dev"],
      brew: ["expat"],
    },
  ),
  glib: lib(
    { pkgConfig: ["glib-2.0", "gobject-2.0", "gio-2.0"], link: ["glib-2.0", "gobject-2.0"] },
    GLIB_BUILD,
  ),
  "gobject-introspection": lib({ pkgConfig: ["gobject-introspection-1.0"] }, GOBJECT_INTROSPECTION_BUILD),
  libsodium: lib(
    { pkgConfig: ["libsodium"], link: ["sodium"] },
    {
      apt: ["libsodium-dev"],
      dnf: ["libsodium-devel"],
      pacman: ["libsodium"],
      zypper: ["libsodium-devel"],
      apk: ["libsodium-dev"],
      brew: ["libsodium"],
    },
  ),
  zeromq: lib({ pkgConfig: ["libzmq"], link: ["zmq"] }, ZEROMQ_BUILD),
  snappy: lib({ link: ["snappy"], cmake: ["Snappy"] }, SNAPPY_BUILD),
  leveldb: lib({ link: ["leveldb"] }, LEVELDB_BUILD),
  rdkafka: lib({ pkgConfig: ["rdkafka"], link: ["rdkafka"] }, RDKAFKA_BUILD),
  krb5: lib(
    { pkgConfig: ["krb5", "krb5-gssapi", "mit-krb5"], link: ["krb5", "gssapi_krb5"], tools: ["krb5-config"] },
    KRB5_BUILD,
  ),
  ldap: lib(
    { pkgConfig: ["ldap"], link: ["ldap", "lber", "ldap_r"] },
    {
      apt: ["libldap-dev"],
      dnf: ["openldap-devel"],
      pacman: ["libldap"],
      zypper: ["openldap2-devel"],
      apk: ["openldap-dev"],
      brew: ["openldap"],
    },
  ),
  sasl: lib(
    { pkgConfig: ["libsasl2"], link: ["sasl2"] },
    {
      apt: ["libsasl2-dev"],
      dnf: ["cyrus-sasl-devel"],
      zypper: ["cyrus-sasl-devel"],
      apk: ["cyrus-sasl-dev"],
      brew: ["cyrus-sasl"],
    },
  ),
  libusb: lib(
    { pkgConfig: ["libusb-1.0"], link: ["usb-1.0"] },
    {
      apt: ["libusb-1.0-0-dev"],
      dnf: ["libusb1-devel"],
      pacman: ["libusb"],
      zypper: ["libusb-1_0-devel"],
      apk: ["libusb-dev"],
      brew: ["libusb"],
    },
  ),
  portaudio: lib({ pkgConfig: ["portaudio-2.0"], link: ["portaudio"] }, PORTAUDIO_BUILD),
  fftw3: lib(
    { pkgConfig: ["fftw3", "fftw3f"], link: ["fftw3", "fftw3f"] },
    {
      apt: ["libfftw3-dev"],
      dnf: ["fftw-devel"],
      pacman: ["fftw"],
      zypper: ["fftw3-devel"],
      apk: ["fftw-dev"],
      brew: ["fftw"],
    },
  ),
  openblas: lib({ pkgConfig: ["openblas"], link: ["openblas"] }, OPENBLAS_BUILD),
  blas: lib(
    { pkgConfig: ["blas", "cblas"], link: ["blas", "cblas"], cmake: ["BLAS"] },
    { apt: ["libblas-dev"], dnf: ["blas-devel"], pacman: ["blas"], zypper: ["blas-devel"] },
  ),
  lapack: lib(
    { pkgConfig: ["lapack"], link: ["lapack"], cmake: ["LAPACK"] },
    {
      apt: ["liblapack-dev"],
      dnf: ["lapack-devel"],
      pacman: ["lapack"],
      zypper: ["lapack-devel"],
      apk: ["lapack-dev"],
      brew: ["lapack"],
    },
  ),
  x11: lib(
    { pkgConfig: ["x11"], link: ["X11"], cmake: ["X11"] },
    {
      apt: ["libx11-dev"],
      dnf: ["libX11-devel"],
      pacman: ["libx11"],
      zypper: ["libX11-devel"],
      apk: ["libx11-dev"],
      brew: ["libx11"],
    },
  ),
  libgit2: lib(
    { pkgConfig: ["libgit2"], link: ["git2"] },
    {
      apt: ["libgit2-dev"],
      dnf: ["libgit2-devel"],
      pacman: ["libgit2"],
      zypper: ["libgit2-devel"],
      apk: ["libgit2-dev"],
      brew: ["libgit2"],
    },
  ),
  libssh2: lib(
    { pkgConfig: ["libssh2"], link: ["ssh2"] },
    {
      apt: ["libssh2-1-dev"],
      dnf: ["libssh2-devel"],
      pacman: ["libssh2"],
      zypper: ["libssh2-devel"],
      apk: ["libssh2-dev"],
      brew: ["libssh2"],
    },
  ),
  libevent: lib(
    { pkgConfig: ["libevent"], link: ["event"] },
    {
      apt: ["libevent-dev"],
      dnf: ["libevent-devel"],
      pacman: ["libevent"],
      zypper: ["libevent-devel"],
      apk: ["libevent-dev"],
      brew: ["libevent"],
    },
  ),
  systemd: lib(
    { pkgConfig: ["libsystemd"], link: ["systemd"] },
    { apt: ["libsystemd-dev"], dnf: ["systemd-devel"], pacman: ["systemd-libs"], zypper: ["systemd-devel"] },
  ),
  dbus: lib({ pkgConfig: ["dbus-1"], link: ["dbus-1"] }, DBUS_BUILD),
  xmlsec1: lib({ pkgConfig: ["xmlsec1", "xmlsec1-openssl"], tools: ["xmlsec1-config"] }, XMLSEC1_BUILD),
  unixodbc: lib({ pkgConfig: ["odbc"], link: ["odbc"], tools: ["odbc_config"] }, UNIXODBC_BUILD),
  pcre2: lib({ pkgConfig: ["libpcre2-8"], link: ["pcre2-8"], tools: ["pcre2-config"] }, PCRE2_BUILD),
  "net-snmp": lib(
    { link: ["netsnmp"], tools: ["net-snmp-config"] },
    { apt: ["libsnmp-dev"], dnf: ["net-snmp-devel"], pacman: ["net-snmp"], brew: ["net-snmp"] },
  ),
  libmagic: lib(
    { pkgConfig: ["libmagic"], link: ["magic"] },
    {
      apt: ["libmagic-dev"],
      dnf: ["file-devel"],
      pacman: ["file"],
      zypper: ["file-devel"],
      brew: ["libmagic"],
    },
  ),
  graphviz: lib({ pkgConfig: ["libcgraph", "libgvc"], link: ["cgraph", "gvc"] }, GRAPHVIZ_BUILD),
  pango: lib(
    { pkgConfig: ["pango", "pangocairo"] },
    {
      apt: ["libpango1.0-dev"],
      dnf: ["pango-devel"],
      pacman: ["pango"],
      zypper: ["pango-devel"],
      apk: ["pango-dev"],
      brew: ["pango"],
    },
  ),
  gtk3: lib(
    { pkgConfig: ["gtk+-3.0"] },
    {
      apt: ["libgtk-3-dev"],
      dnf: ["gtk3-devel"],
      pacman: ["gtk3"],
      zypper: ["gtk3-devel"],
      apk: ["gtk+3.0-dev"],
      brew: ["gtk+3"],
    },
  ),
  libtiff: lib(
    { pkgConfig: ["libtiff-4"], link: ["tiff"], cmake: ["TIFF"] },
    {
      apt: ["libtiff-dev"],
      dnf: ["libtiff-devel"],
      pacman: ["libtiff"],
      zypper: ["libtiff-devel"],
      apk: ["tiff-dev"],
      brew: ["libtiff"],
    },
  ),
  libwebp: lib(
    { pkgConfig: ["libwebp"], link: ["webp"] },
    {
      apt: ["libwebp-dev"],
      dnf: ["libwebp-devel"],
      pacman: ["libwebp"],
      zypper: ["libwebp-devel"],
      apk: ["libwebp-dev"],
      brew: ["webp"],
    },
  ),
  icu: lib(
    { pkgConfig: ["icu-uc", "icu-i18n"], link: ["icuuc", "icui18n"], tools: ["icu-config"], cmake: ["ICU"] },
    {
      apt: ["libicu-dev"],
      dnf: ["libicu-devel"],
      pacman: ["icu"],
      zypper: ["libicu-devel"],
      apk: ["icu-dev"],
      brew: ["icu4c"],
    },
  ),
  cups: lib(
    { link: ["cups"], tools: ["cups-config"] },
    {
      apt: ["libcups2-dev"],
      dnf: ["cups-devel"],
      pacman: ["libcups"],
      zypper: ["cups-devel"],
      apk: ["cups-dev"],
    },
  ),
  alsa: lib(
    { pkgConfig: ["alsa"], link: ["asound"], cmake: ["ALSA"] },
    {
      apt: ["libasound2-dev"],
      dnf: ["alsa-lib-devel"],
      pacman: ["alsa-lib"],
      zypper: ["alsa-devel"],
      apk: ["alsa-lib-dev"],
    },
  ),
  sdl2: lib(
    { pkgConfig: ["sdl2"], link: ["SDL2"], tools: ["sdl2-config"], cmake: ["SDL2"] },
    {
      apt: ["libsdl2-dev"],
      dnf: ["SDL2-devel"],
      pacman: ["sdl2"],
      zypper: ["libSDL2-devel"],
      apk: ["sdl2-dev"],
      brew: ["sdl2"],
    },
  ),
  libvirt: lib(
    { pkgConfig: ["libvirt"], link: ["virt"] },
    {
      apt: ["libvirt-dev"],
      dnf: ["libvirt-devel"],
      pacman: ["libvirt"],
      zypper: ["libvirt-devel"],
      brew: ["libvirt"],
    },
  ),
  gnutls: lib(
    { pkgConfig: ["gnutls"], link: ["gnutls"] },
    {
      apt: ["libgnutls28-dev"],
      dnf: ["gnutls-devel"],
      pacman: ["gnutls"],
      zypper: ["libgnutls-devel"],
      apk: ["gnutls-dev"],
      brew: ["gnutls"],
    },
  ),
  fuse: lib(
    { pkgConfig: ["fuse"], link: ["fuse"] },
    {
      apt: ["libfuse-dev"],
      dnf: ["fuse-devel"],
      pacman: ["fuse2"],
      zypper: ["fuse-devel"],
      apk: ["fuse-dev"],
    },
  ),
  fuse3: lib(
    { pkgConfig: ["fuse3"], link: ["fuse3"] },
    {
      apt: ["libfuse3-dev"],
      dnf: ["fuse3-devel"],
      pacman: ["fuse3"],
      zypper: ["fuse3-devel"],
      apk: ["fuse3-dev"],
    },
  ),
  eigen3: lib(
    { pkgConfig: ["eigen3"], cmake: ["Eigen3"] },
    {
      apt: ["libeigen3-dev"],
      dnf: ["eigen3-devel"],
      pacman: ["eigen"],
      zypper: ["eigen3-devel"],
      apk: ["eigen-dev"],
      brew: ["eigen"],
    },
  ),
  boost: lib(
    { cmake: ["Boost"] },
    {
      apt: ["libboost-dev"],
      dnf: ["boost-devel"],
      pacman: ["boost"],
      zypper: ["boost-devel"],
      apk: ["boost-dev"],
      brew: ["boost"],
    },
  ),
};

export type NativeNameKind = "pkgConfig" | "link" | "tools" | "cmake";

const indexes = new Map<NativeNameKind, Map<string, string>>();

/** The library a name of this kind stands for (pkg-config and CMake names as written; links exact). */
export function nativeLibraryOf(kind: NativeNameKind, name: string): string | null {
  let index = indexes.get(kind);
  if (!index) {
    index = new Map();
    for (const [key, entry] of Object.entries(NATIVE_LIBRARIES))
      for (const alias of entry[kind] ?? []) index.set(kind === "cmake" ? alias.toLowerCase() : alias, key);
    indexes.set(kind, index);
  }
  return index.get(kind === "cmake" ? name.toLowerCase() : name) ?? null;
}
