import type { NativeNameKind } from "../system-deps/native-libraries.js";

/** One place a project's own build asks for a C library or tool, as its build files state it. */
export interface NativeNeed {
  /** Project-relative file and 1-based line. */
  file: string;
  line: number;
  /** How the file asks: `pkg-config`, `libraries=`, `mysql_config`, `dependency()`, `find_package` … */
  via: string;
  /** The names as written; more than one are alternatives (any one will do), tried in this order. */
  names: string[];
  /** What kind of name they are: pkg-config module, linker name, `*-config` program, CMake package. */
  kind: NativeNameKind;
  /** The key in NATIVE_LIBRARIES of the first name dhtl knows (null: none is known). */
  library: string | null;
}

/** What the project's own compiled parts need to build, read from its build files without running them. */
export interface NativeBuildFacts {
  /** The build systems found: setup.py asking for C libraries, meson (ninja), CMake. */
  systems: ("setuptools" | "meson" | "cmake")[];
  needs: NativeNeed[];
}
