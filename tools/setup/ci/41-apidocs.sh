# Sourced by tools/setup/test.sh: the API reference (docs/Doxyfile) over the
# installed public headers must build without one Doxygen warning, so that
# the reference and the headers stay in step.  A few seconds.
apidocs_out=$(mktemp -d)
if (cd "$KS_ROOT" && KEYSTORM_DOCS_OUT="$apidocs_out" doxygen docs/Doxyfile) \
  >"$apidocs_out/doxygen.log" 2>&1 && [ -f "$apidocs_out/html/classkeystorm_1_1RelyingParty.html" ]; then
  passed=$((passed + 1))
  echo "apidocs: ok"
else
  failed=$((failed + 1))
  echo "apidocs: Doxygen warnings or failure:"
  tail -30 "$apidocs_out/doxygen.log"
fi
rm -rf "$apidocs_out"
