/**
 * The package managers dhtl knows and the per-manager package lists of single libraries and tools that
 * table.ts (what a PyPI distribution needs) and native-libraries.ts (what a project's own C extension
 * links) share, or that table.ts uses more than once. Each list is stated once here; the tables combine
 * them.
 *
 * apt names were checked with `apt-cache show` on Debian 12 (bookworm); system-deps.test.ts re-checks them
 * wherever apt's package lists exist. The other managers' names are Fedora (dnf; yum uses the same), Arch
 * (pacman), openSUSE (zypper), Alpine (apk) and Homebrew (brew) names. A manager is left out of a list
 * when the name could not be stated with confidence.
 */

export const MANAGERS = ["apt", "dnf", "yum", "pacman", "zypper", "apk", "brew"] as const;
export type SystemPackageManager = (typeof MANAGERS)[number];

/** yum reads dnf's names (the same RPM repositories); the tables store them once. */
export type TableManager = Exclude<SystemPackageManager, "yum">;
export type PackagesByManager = Partial<Record<TableManager, string[]>>;

/** pkg-config itself, which every `pkg-config --cflags` in a build needs. */
export const PKG_CONFIG: PackagesByManager = {
  apt: ["pkg-config"],
  dnf: ["pkgconf-pkg-config"],
  pacman: ["pkgconf"],
  zypper: ["pkgconf-pkg-config"],
  apk: ["pkgconf"],
  brew: ["pkgconf"],
};

export const SWIG_BUILD: PackagesByManager = {
  apt: ["swig"],
  dnf: ["swig"],
  pacman: ["swig"],
  zypper: ["swig"],
  apk: ["swig"],
  brew: ["swig"],
};

export const LIBPQ_BUILD: PackagesByManager = {
  apt: ["libpq-dev"],
  dnf: ["libpq-devel"],
  pacman: ["postgresql-libs"],
  zypper: ["postgresql-devel"],
  apk: ["libpq-dev"],
  brew: ["libpq"],
};
export const LIBPQ_RUNTIME: PackagesByManager = {
  apt: ["libpq5"],
  dnf: ["libpq"],
  pacman: ["postgresql-libs"],
  zypper: ["libpq5"],
  apk: ["libpq"],
  brew: ["libpq"],
};

export const MARIADB_CLIENT_BUILD: PackagesByManager = {
  apt: ["libmariadb-dev"],
  dnf: ["mariadb-connector-c-devel"],
  pacman: ["mariadb-libs"],
  zypper: ["libmariadb-devel"],
  apk: ["mariadb-connector-c-dev"],
  brew: ["mariadb-connector-c"],
};
export const MARIADB_CLIENT_RUNTIME: PackagesByManager = {
  apt: ["libmariadb3"],
  dnf: ["mariadb-connector-c"],
  pacman: ["mariadb-libs"],
  zypper: ["libmariadb3"],
  apk: ["mariadb-connector-c"],
};
/**
 * The MySQL client API (`mysqlclient.pc`, `mysql_config`): MariaDB's client elsewhere, but on Debian
 * default-libmysqlclient-dev (it brings libmariadb-dev-compat's `mysqlclient.pc` and `mysql_config`) and
 * Homebrew's mysql-client.
 */
export const MYSQLCLIENT_BUILD: PackagesByManager = {
  ...MARIADB_CLIENT_BUILD,
  apt: ["default-libmysqlclient-dev"],
  brew: ["mysql-client"],
};

export const CAIRO_BUILD: PackagesByManager = {
  apt: ["libcairo2-dev"],
  dnf: ["cairo-devel"],
  pacman: ["cairo"],
  zypper: ["cairo-devel"],
  apk: ["cairo-dev"],
  brew: ["cairo"],
};
export const CAIRO_RUNTIME: PackagesByManager = {
  apt: ["libcairo2"],
  dnf: ["cairo"],
  pacman: ["cairo"],
  zypper: ["libcairo2"],
  apk: ["cairo"],
  brew: ["cairo"],
};

export const GOBJECT_INTROSPECTION_BUILD: PackagesByManager = {
  apt: ["libgirepository1.0-dev"],
  dnf: ["gobject-introspection-devel"],
  pacman: ["gobject-introspection"],
  zypper: ["gobject-introspection-devel"],
  apk: ["gobject-introspection-dev"],
  brew: ["gobject-introspection"],
};

export const GLIB_BUILD: PackagesByManager = {
  apt: ["libglib2.0-dev"],
  dnf: ["glib2-devel"],
  pacman: ["glib2"],
  zypper: ["glib2-devel"],
  apk: ["glib-dev"],
  brew: ["glib"],
};

export const DBUS_BUILD: PackagesByManager = {
  apt: ["libdbus-1-dev"],
  dnf: ["dbus-devel"],
  pacman: ["dbus"],
  zypper: ["dbus-1-devel"],
  apk: ["dbus-dev"],
  brew: ["dbus"],
};

export const LIBFFI_BUILD: PackagesByManager = {
  apt: ["libffi-dev"],
  dnf: ["libffi-devel"],
  pacman: ["libffi"],
  zypper: ["libffi-devel"],
  apk: ["libffi-dev"],
  brew: ["libffi"],
};

export const OPENSSL_BUILD: PackagesByManager = {
  apt: ["libssl-dev"],
  dnf: ["openssl-devel"],
  pacman: ["openssl"],
  zypper: ["libopenssl-devel"],
  apk: ["openssl-dev"],
  brew: ["openssl@3"],
};

export const LIBCURL_BUILD: PackagesByManager = {
  apt: ["libcurl4-openssl-dev"],
  dnf: ["libcurl-devel"],
  pacman: ["curl"],
  zypper: ["libcurl-devel"],
  apk: ["curl-dev"],
  brew: ["curl"],
};

export const PCRE2_BUILD: PackagesByManager = {
  apt: ["libpcre2-dev"],
  dnf: ["pcre2-devel"],
  pacman: ["pcre2"],
  zypper: ["pcre2-devel"],
  apk: ["pcre2-dev"],
  brew: ["pcre2"],
};

export const LIBXML2_BUILD: PackagesByManager = {
  apt: ["libxml2-dev"],
  dnf: ["libxml2-devel"],
  pacman: ["libxml2"],
  zypper: ["libxml2-devel"],
  apk: ["libxml2-dev"],
  brew: ["libxml2"],
};

export const LIBXSLT_BUILD: PackagesByManager = {
  apt: ["libxslt1-dev"],
  dnf: ["libxslt-devel"],
  pacman: ["libxslt"],
  zypper: ["libxslt-devel"],
  apk: ["libxslt-dev"],
  brew: ["libxslt"],
};

export const XMLSEC1_BUILD: PackagesByManager = {
  apt: ["libxmlsec1-dev"],
  dnf: ["xmlsec1-devel"],
  pacman: ["xmlsec"],
  zypper: ["xmlsec1-devel"],
  apk: ["xmlsec-dev"],
  brew: ["libxmlsec1"],
};

export const LIBYAML_BUILD: PackagesByManager = {
  apt: ["libyaml-dev"],
  dnf: ["libyaml-devel"],
  pacman: ["libyaml"],
  zypper: ["libyaml-devel"],
  apk: ["yaml-dev"],
  brew: ["libyaml"],
};

export const GDAL_BUILD: PackagesByManager = {
  apt: ["libgdal-dev"],
  dnf: ["gdal-devel"],
  pacman: ["gdal"],
  zypper: ["gdal-devel"],
  apk: ["gdal-dev"],
  brew: ["gdal"],
};
export const GDAL_RUNTIME: PackagesByManager = {
  apt: ["gdal-bin"],
  dnf: ["gdal-libs"],
  pacman: ["gdal"],
  zypper: ["gdal"],
  apk: ["gdal"],
  brew: ["gdal"],
};

export const GEOS_BUILD: PackagesByManager = {
  apt: ["libgeos-dev"],
  dnf: ["geos-devel"],
  pacman: ["geos"],
  zypper: ["geos-devel"],
  apk: ["geos-dev"],
  brew: ["geos"],
};

export const PROJ_BUILD: PackagesByManager = {
  apt: ["libproj-dev"],
  dnf: ["proj-devel"],
  pacman: ["proj"],
  zypper: ["proj-devel"],
  apk: ["proj-dev"],
  brew: ["proj"],
};

export const HDF5_BUILD: PackagesByManager = {
  apt: ["libhdf5-dev"],
  dnf: ["hdf5-devel"],
  pacman: ["hdf5"],
  zypper: ["hdf5-devel"],
  apk: ["hdf5-dev"],
  brew: ["hdf5"],
};

export const OPENBLAS_BUILD: PackagesByManager = {
  apt: ["libopenblas-dev"],
  dnf: ["openblas-devel"],
  pacman: ["openblas"],
  apk: ["openblas-dev"],
  brew: ["openblas"],
};

export const KRB5_BUILD: PackagesByManager = {
  apt: ["libkrb5-dev"],
  dnf: ["krb5-devel"],
  pacman: ["krb5"],
  zypper: ["krb5-devel"],
  apk: ["krb5-dev"],
  brew: ["krb5"],
};
export const KRB5_RUNTIME: PackagesByManager = {
  apt: ["libkrb5-3", "libgssapi-krb5-2"],
  dnf: ["krb5-libs"],
  pacman: ["krb5"],
  zypper: ["krb5"],
  apk: ["krb5-libs"],
  brew: ["krb5"],
};

export const UNIXODBC_BUILD: PackagesByManager = {
  apt: ["unixodbc-dev"],
  dnf: ["unixODBC-devel"],
  pacman: ["unixodbc"],
  zypper: ["unixODBC-devel"],
  apk: ["unixodbc-dev"],
  brew: ["unixodbc"],
};

export const PORTAUDIO_BUILD: PackagesByManager = {
  apt: ["portaudio19-dev"],
  dnf: ["portaudio-devel"],
  pacman: ["portaudio"],
  zypper: ["portaudio-devel"],
  apk: ["portaudio-dev"],
  brew: ["portaudio"],
};

export const GRAPHVIZ_BUILD: PackagesByManager = {
  apt: ["libgraphviz-dev"],
  dnf: ["graphviz-devel"],
  pacman: ["graphviz"],
  zypper: ["graphviz-devel"],
  apk: ["graphviz-dev"],
  brew: ["graphviz"],
};

export const RDKAFKA_BUILD: PackagesByManager = {
  apt: ["librdkafka-dev"],
  dnf: ["librdkafka-devel"],
  pacman: ["librdkafka"],
  zypper: ["librdkafka-devel"],
  apk: ["librdkafka-dev"],
  brew: ["librdkafka"],
};

export const ZEROMQ_BUILD: PackagesByManager = {
  apt: ["libzmq3-dev"],
  dnf: ["zeromq-devel"],
  pacman: ["zeromq"],
  zypper: ["zeromq-devel"],
  apk: ["zeromq-dev"],
  brew: ["zeromq"],
};

export const SNAPPY_BUILD: PackagesByManager = {
  apt: ["libsnappy-dev"],
  dnf: ["snappy-devel"],
  pacman: ["snappy"],
  zypper: ["snappy-devel"],
  apk: ["snappy-dev"],
  brew: ["snappy"],
};

export const LEVELDB_BUILD: PackagesByManager = {
  apt: ["libleveldb-dev"],
  dnf: ["leveldb-devel"],
  pacman: ["leveldb"],
  zypper: ["leveldb-devel"],
  apk: ["leveldb-dev"],
  brew: ["leveldb"],
};

export const FFMPEG_RUNTIME: PackagesByManager = {
  apt: ["ffmpeg"],
  pacman: ["ffmpeg"],
  apk: ["ffmpeg"],
  brew: ["ffmpeg"],
};
