// The source of keystorm_abi_check (cmake/KeystormInstall.cmake): a shared
// object made of the four installed archives, linked whole.  It adds no
// symbol of its own; tools/setup/ci/43-visibility.sh reads what it exports.
#include "keystorm/relying_party.h"
