// Where the database is: a DSN of the form
//   mysql://user:password@host:port/database
// (user and password percent-decoded; port defaults to 3306).
#ifndef SCHEDULING_SERVER_STORE_DSN_H_
#define SCHEDULING_SERVER_STORE_DSN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace scheduling::store {

struct Dsn {
  std::string user;
  std::string password;
  std::string host;
  int port = 3306;
  std::string database;
};

// Parses a DSN; INVALID_ARGUMENT says what is wrong (never echoing the
// password).
absl::StatusOr<Dsn> ParseDsn(absl::string_view text);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_DSN_H_
