#include "guildhall/server/cli.hpp"

#include <filesystem>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>

#include "guildhall/server/admin.hpp"
#include "guildhall/server/app.hpp"
#include "guildhall/storage/database.hpp"

#include "actions.hpp"

namespace guildhall::server {

namespace {

constexpr int kExitFailure = 1;
constexpr const char* kDefaultConfigFile = "guildhall.toml";

int fail(std::ostream& err, const core::Error& error) {
  err << "error: " << error.message << "\n";
  return kExitFailure;
}

std::string date_of(core::TimePoint t) {
  return core::format_rfc3339(t).substr(0, 10);
}

// Reads the password from the first line of standard input (keeps it out of `ps` and shell
// history).
std::string read_password_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err) {
  CLI::App app{"Guildhall: a federated community server", "guildhall"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(GUILDHALL_VERSION));

  std::optional<std::string> config_path;
  if (auto it = env.find("GUILDHALL_CONFIG"); it != env.end())
    config_path = it->second;
  auto add_config_option = [&](CLI::App* cmd) {
    cmd->add_option("-c,--config", config_path,
                    "TOML configuration file (default: GUILDHALL_CONFIG, else ./guildhall.toml if "
                    "present)");
  };

  auto* serve = app.add_subcommand("serve", "Run the server until SIGINT/SIGTERM");
  add_config_option(serve);

  auto* config_cmd = app.add_subcommand("config", "Configuration tools");
  config_cmd->require_subcommand(1);
  auto* config_check =
      config_cmd->add_subcommand("check", "Validate the configuration and print it in effect");
  add_config_option(config_check);

  auto* admin = app.add_subcommand("admin", "Administration: users, groups, database");
  admin->require_subcommand(1);
  add_config_option(admin);
  admin->add_subcommand("migrate", "Apply pending database migrations");

  auto* user = admin->add_subcommand("user", "Local user accounts");
  user->require_subcommand(1);
  NewUserInput new_user;
  bool password_stdin = false;
  auto* user_create = user->add_subcommand("create", "Create a local user");
  user_create->add_option("name", new_user.handle, "Handle: lowercase a-z, 0-9, _ (1-30)")
      ->required();
  auto* password_opt = user_create->add_option("--password", new_user.password, "Password");
  user_create->add_flag("--password-stdin", password_stdin, "Read the password from stdin")
      ->excludes(password_opt);
  user_create->add_flag("--admin", new_user.is_admin, "Make the user an instance admin");
  user_create->add_option("--email", new_user.email, "E-mail address");
  user_create->add_option("--display-name", new_user.display_name, "Display name");
  user->add_subcommand("list", "List local users");
  std::string moderated_handle;
  const std::pair<const char*, const char*> account_verbs[] = {
      {"suspend", "Suspend a user: every session and token ends at once, sign-in is refused"},
      {"unsuspend", "Lift a user's suspension"}};
  for (const auto& [verb, help] : account_verbs)
    user->add_subcommand(verb, help)
        ->add_option("name", moderated_handle, "Handle of the local user")
        ->required();

  auto* group = admin->add_subcommand("group", "Communities (groups)");
  group->require_subcommand(1);
  NewGroupInput new_group;
  auto* group_create = group->add_subcommand("create", "Create a community");
  group_create->add_option("name", new_group.handle, "Handle: lowercase a-z, 0-9, _ (1-30)")
      ->required();
  group_create->add_option("--owner", new_group.owner_handle, "Handle of the owning local user")
      ->required();
  group_create->add_option("--title", new_group.title, "Display title");
  group->add_subcommand("list", "List communities");

  auto* federation_cmd =
      admin->add_subcommand("federation", "Which instances to federate with (federation.mode)");
  federation_cmd->require_subcommand(1);
  std::string policy_host;
  const std::pair<const char*, const char*> policy_verbs[] = {
      {"allow", "Federate with a host and its subdomains (allowlist mode)"},
      {"block", "Refuse a host and its subdomains (blocklist mode)"},
      {"reset", "Remove the rule for a host"}};
  for (const auto& [verb, help] : policy_verbs)
    federation_cmd->add_subcommand(verb, help)
        ->add_option("host", policy_host, "Host name, e.g. partner.example")
        ->required();
  federation_cmd->add_subcommand("list", "List the allow and block rules");

  auto* act = admin->add_subcommand(
      "act",
      "Act as a local user: follow|unfollow name@host, post TEXT, edit POST TEXT, "
      "delete|like|unlike POST (POST: local id or ActivityPub id); in communities hosted here: "
      "community-create HANDLE TITLE [key=value...], community-set GROUP key=value..., "
      "join|leave|modlog GROUP, approve|reject|ban|unban|mod|unmod GROUP PERSON, "
      "thread GROUP TITLE BODY, comment POST BODY, react|unreact POST like|dislike|EMOJI, "
      "remove|restore|lock|unlock|pin|unpin|report POST, reports GROUP, resolve REPORT; join, "
      "leave, thread, comment, edit, delete, react and report also work in communities hosted "
      "elsewhere (GROUP as name@host; see docs/admin-guide.md)");
  std::string act_user, act_verb;
  std::vector<std::string> act_args;
  act->add_option("user", act_user, "Local user handle")->required();
  act->add_option("action", act_verb,
                  "follow, unfollow, post, edit, delete, like, unlike, or a community verb")
      ->required();
  act->add_option("args", act_args, "Arguments of the action");

  std::vector<std::string> argv_tail(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
  std::reverse(argv_tail.begin(), argv_tail.end());  // CLI11 parses a reversed vector
  try {
    app.parse(argv_tail);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err);
  }

  // Like git or Lemmy: a guildhall.toml in the working directory is the default configuration, so
  // `serve` and `admin` commands run side by side always agree (scripts/run writes one).
  if (!config_path && std::filesystem::exists(kDefaultConfigFile))
    config_path = kDefaultConfigFile;
  auto config = load_config(config_path, env);
  if (!config)
    return fail(err, config.error());

  if (*serve)
    return serve_forever(*config, out, err);

  if (*config_check) {
    out << "# configuration is valid" << (config_path ? " (" + *config_path + ")" : "") << "\n"
        << to_toml(*config) << "\n";
    return 0;
  }

  auto db = open_configured_database(*config);
  if (!db)
    return fail(err, db.error());
  if (admin->got_subcommand("migrate")) {
    out << "database is at schema version " << (*db)->schema_version().value() << "\n";
    return 0;
  }
  Admin ops(**db, *config);
  if (*act) {
    if (auto actor = ops.ensure_instance_actor(); !actor)
      return fail(err, actor.error());
    return run_action(*config, **db, act_user, act_verb, act_args, out, err);
  }

  if (*user_create) {
    if (password_stdin)
      new_user.password = read_password_line();
    if (new_user.password.empty())
      return fail(err, core::Error::invalid_input("a password is required: --password or "
                                                  "--password-stdin"));
    auto created = ops.create_user(new_user);
    if (!created)
      return fail(err, created.error());
    out << "created user " << created->handle << (created->is_admin ? " (admin)" : "") << ": "
        << created->ap_id << "\n";
    return 0;
  }
  if (federation_cmd->parsed()) {
    if (federation_cmd->got_subcommand("list")) {
      auto rules = ops.list_instance_policies();
      if (!rules)
        return fail(err, rules.error());
      auto settings = ops.instance_settings();  // the mode an admin chose, else the config's
      if (!settings)
        return fail(err, settings.error());
      out << "mode: " << settings->federation_mode << "\n";
      for (const auto& r : *rules)
        out << r.policy << "\t" << r.host << "\n";
      return 0;
    }
    const bool reset = federation_cmd->got_subcommand("reset");
    const std::string policy =
        reset ? "none" : (federation_cmd->got_subcommand("allow") ? "allow" : "block");
    auto rule = ops.set_instance_policy(policy_host, policy);
    if (!rule)
      return fail(err, rule.error());
    out << (reset ? "removed the rule for " : policy + "ed ") << rule->host << "\n";
    auto settings = ops.instance_settings();
    if (!settings)
      return fail(err, settings.error());
    const auto& mode = settings->federation_mode;
    if ((policy == "block" && mode != "blocklist") || (policy == "allow" && mode != "allowlist"))
      out << "note: the federation mode is " << mode << "; " << policy << " rules take effect in "
          << policy << "list mode\n";
    return 0;
  }
  if (user->got_subcommand("suspend") || user->got_subcommand("unsuspend")) {
    const bool suspend = user->got_subcommand("suspend");
    auto found =
        (*db)->read([&](storage::Tx& tx) { return tx.users().get_by_handle(moderated_handle); });
    if (!found)
      return fail(err, found.error());
    // The same operation as the admin API's (no admin acts on themselves here: id 0).
    auto done = ops.act_on_account(0, found->actor.id,
                                   suspend ? AccountAction::suspend : AccountAction::unsuspend);
    if (!done)
      return fail(err, done.error());
    out << (suspend ? "suspended " : "lifted the suspension of ") << done->actor.handle << "\n";
    return 0;
  }
  if (user->got_subcommand("list")) {
    auto users = ops.list_users();
    if (!users)
      return fail(err, users.error());
    out << std::left << std::setw(32) << "HANDLE" << std::setw(7) << "ADMIN" << std::setw(12)
        << "CREATED"
        << "ID\n";
    for (const auto& u : *users)
      out << std::setw(32) << u.handle << std::setw(7) << (u.is_admin ? "yes" : "no")
          << std::setw(12) << date_of(u.created_at) << u.ap_id << "\n";
    return 0;
  }
  if (*group_create) {
    auto created = ops.create_group(new_group);
    if (!created)
      return fail(err, created.error());
    out << "created group " << created->handle << " \"" << created->title << "\" owned by "
        << created->owner << ": " << created->ap_id << "\n";
    return 0;
  }
  if (group->got_subcommand("list")) {
    auto groups = ops.list_groups();
    if (!groups)
      return fail(err, groups.error());
    out << std::left << std::setw(32) << "HANDLE" << std::setw(32) << "TITLE" << std::setw(10)
        << "MEMBERS" << std::setw(10) << "VISIBLE"
        << "OWNER\n";
    for (const auto& g : *groups)
      out << std::setw(32) << g.handle << std::setw(32) << g.title << std::setw(10) << g.members
          << std::setw(10) << g.visibility << g.owner << "\n";
    return 0;
  }
  return 2;  // unreachable: CLI11 requires a subcommand at every level
}

}  // namespace guildhall::server
