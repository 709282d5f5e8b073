// Certificates made at test time with OpenSSL: a CA, and server and client
// certificates it signs, with chosen subject alternative names and
// validity, written as PEM files for the server and clients to load.
//
// Thread-safety: not thread-safe; one test makes its certificates.
#ifndef SCHEDULING_TESTS_INTEGRATION_TEST_CERTIFICATES_H_
#define SCHEDULING_TESTS_INTEGRATION_TEST_CERTIFICATES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace scheduling::testing {

// A key and certificate in PEM.
struct Pem {
  std::string certificate;
  std::string key;
};

class TestCa {
 public:
  // A self-signed CA named `name`.
  explicit TestCa(const std::string& name);
  ~TestCa();

  const std::string& certificate() const { return pem_.certificate; }

  // A certificate for `common_name` with SANs such as "DNS:localhost",
  // "IP:127.0.0.1", "URI:spiffe://test/ns/a/sa/b", valid from `not_before`
  // to `not_after` (offsets from now).
  Pem Issue(const std::string& common_name,
            const std::vector<std::string>& subject_alt_names,
            absl::Duration not_before = -absl::Hours(1),
            absl::Duration not_after = absl::Hours(24)) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
  Pem pem_;
  std::string name_;
};

// Writes `contents` to `path` atomically (a temporary file renamed over
// it), as a certificate rotation or a ConfigMap update would.
void WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_TEST_CERTIFICATES_H_
