// KEYSTORM_EXPORT marks the public API of the installed libraries.
//
// Keystorm installs static libraries (docs/embedding.md): the macro makes
// the public classes and functions visible when an integrator links them
// into a shared object built with -fvisibility=hidden, and is the marker a
// future shared build exports by.  Everything without it is internal.
//
// The installed libraries are compiled with -fvisibility=hidden
// (cmake/KeystormInstall.cmake); the macro goes on every class and struct
// and every free function declared in an installed header:
//   class KEYSTORM_EXPORT Foo { ... };  KEYSTORM_EXPORT Status Bar(...);
// It is a C++11 attribute, so it may follow [[nodiscard]].
#ifndef KEYSTORM_EXPORT_H_
#define KEYSTORM_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define KEYSTORM_EXPORT [[gnu::visibility("default")]]
#else
#define KEYSTORM_EXPORT
#endif

#endif  // KEYSTORM_EXPORT_H_
