// A MariaDB server of a test's own (scripts/private-db.sh in a fresh
// temporary directory), for tests that stop, start or empty a database:
// the shared one behind SCHEDULING_TEST_DSN must stay up for everyone.
//
// Thread-safety: not thread-safe; one test drives it.
#ifndef SCHEDULING_TESTS_INTEGRATION_PRIVATE_DATABASE_H_
#define SCHEDULING_TESTS_INTEGRATION_PRIVATE_DATABASE_H_

#include <memory>
#include <string>

namespace scheduling::testing {

class PrivateDatabase {
 public:
  // Initialises and starts a server on a free port; null (with a gtest
  // failure) if it cannot.
  static std::unique_ptr<PrivateDatabase> Start();
  ~PrivateDatabase();  // stops the server and removes its directory

  // mysql://scheduling:scheduling@127.0.0.1:PORT/scheduling
  const std::string& dsn() const { return dsn_; }

  // Shuts the server down (the process exits) / starts it again on the
  // same port and data. True on success.
  bool Stop();
  bool Restart();

 private:
  PrivateDatabase() = default;
  std::string dir_;
  std::string port_;
  std::string dsn_;
};

// Runs `command` through the shell; its exit status, and its standard
// output in `*out` if given.
int RunCommand(const std::string& command, std::string* out = nullptr);

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_PRIVATE_DATABASE_H_
