#include "tests/integration/test_certificates.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace scheduling::testing {
namespace {

EVP_PKEY* NewKey() { return EVP_EC_gen("P-256"); }

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

std::string ToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension =
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  ASSERT_NE(extension, nullptr) << value;
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

X509* NewCertificate(const std::string& common_name, EVP_PKEY* key,
                     absl::Duration not_before, absl::Duration not_after) {
  static long serial = 1000;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), absl::ToInt64Seconds(not_before));
  X509_gmtime_adj(X509_getm_notAfter(cert), absl::ToInt64Seconds(not_after));
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

struct TestCa::Key {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Key() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

TestCa::TestCa(const std::string& name)
    : key_(std::make_unique<Key>()), name_(name) {
  key_->key = NewKey();
  key_->cert =
      NewCertificate(name, key_->key, -absl::Hours(1), absl::Hours(24 * 30));
  X509_set_issuer_name(key_->cert, X509_get_subject_name(key_->cert));
  AddExtension(key_->cert, key_->cert, NID_basic_constraints,
               "critical,CA:TRUE");
  AddExtension(key_->cert, key_->cert, NID_key_usage,
               "critical,keyCertSign,cRLSign");
  AddExtension(key_->cert, key_->cert, NID_subject_key_identifier, "hash");
  X509_sign(key_->cert, key_->key, EVP_sha256());
  pem_ = {ToPem(key_->cert), ToPem(key_->key)};
}

TestCa::~TestCa() = default;

Pem TestCa::Issue(const std::string& common_name,
                  const std::vector<std::string>& subject_alt_names,
                  absl::Duration not_before, absl::Duration not_after) const {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCertificate(common_name, key, not_before, not_after);
  X509_set_issuer_name(cert, X509_get_subject_name(key_->cert));
  AddExtension(cert, key_->cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, key_->cert, NID_ext_key_usage, "serverAuth,clientAuth");
  AddExtension(cert, key_->cert, NID_authority_key_identifier, "keyid:always");
  if (!subject_alt_names.empty()) {
    AddExtension(cert, key_->cert, NID_subject_alt_name,
                 absl::StrJoin(subject_alt_names, ","));
  }
  X509_sign(cert, key_->key, EVP_sha256());
  Pem pem{ToPem(cert), ToPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

void WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << contents;
  }
  ASSERT_EQ(std::rename(temporary.c_str(), path.c_str()), 0) << path;
}

}  // namespace scheduling::testing
