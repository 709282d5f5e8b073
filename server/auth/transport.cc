#include "server/auth/transport.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace scheduling::auth {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioDeleter> OpenFile(const std::string& path) {
  return std::unique_ptr<BIO, BioDeleter>(BIO_new_file(path.c_str(), "r"));
}

absl::Status Invalid(const std::string& flag, const std::string& path,
                     absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " ", path, ": ", problem));
}

absl::Status CheckFiles(const TransportOptions& options) {
  auto cert_file = OpenFile(options.tls_cert);
  if (cert_file == nullptr) {
    return Invalid("--tls_cert", options.tls_cert, "cannot read the file");
  }
  std::unique_ptr<X509, X509Deleter> cert(
      PEM_read_bio_X509(cert_file.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return Invalid("--tls_cert", options.tls_cert,
                   "no PEM certificate in the file");
  }
  auto key_file = OpenFile(options.tls_key);
  if (key_file == nullptr) {
    return Invalid("--tls_key", options.tls_key, "cannot read the file");
  }
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      PEM_read_bio_PrivateKey(key_file.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return Invalid("--tls_key", options.tls_key,
                   "no PEM private key in the file (or it is encrypted)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Invalid(
        "--tls_key", options.tls_key,
        absl::StrCat("does not match the certificate in ", options.tls_cert));
  }
  if (!options.tls_client_ca.empty()) {
    auto ca_file = OpenFile(options.tls_client_ca);
    if (ca_file == nullptr) {
      return Invalid("--tls_client_ca", options.tls_client_ca,
                     "cannot read the file");
    }
    std::unique_ptr<X509, X509Deleter> ca(
        PEM_read_bio_X509(ca_file.get(), nullptr, nullptr, nullptr));
    if (ca == nullptr) {
      return Invalid("--tls_client_ca", options.tls_client_ca,
                     "no PEM certificate in the file");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
ServerTransportCredentials(const TransportOptions& options) {
  const bool any_tls = !options.tls_cert.empty() || !options.tls_key.empty() ||
                       !options.tls_client_ca.empty();
  if (options.insecure) {
    if (any_tls) {
      return absl::InvalidArgumentError(
          "--insecure and TLS files (--tls_cert, --tls_key, --tls_client_ca) "
          "exclude each other");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "no transport security: give --tls_cert and --tls_key (and "
        "--tls_client_ca to require client certificates), or choose "
        "--insecure for plain text");
  }
  absl::Status files = CheckFiles(options);
  if (!files.ok()) return files;
  const unsigned int refresh = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(options.reload_interval)));
  std::shared_ptr<grpc::experimental::CertificateProviderInterface> provider =
      options.tls_client_ca.empty()
          ? std::make_shared<
                grpc::experimental::FileWatcherCertificateProvider>(
                options.tls_key, options.tls_cert, refresh)
          : std::make_shared<
                grpc::experimental::FileWatcherCertificateProvider>(
                options.tls_key, options.tls_cert, options.tls_client_ca,
                refresh);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (options.tls_client_ca.empty()) {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    tls.watch_root_certs();
    tls.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace scheduling::auth
