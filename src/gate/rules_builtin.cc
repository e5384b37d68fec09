// The built-in code-gate rules for Nushell, python3 and bash. Generated data
// tools read stdin and print JSON; none of them needs a shell, the network,
// other programs or files outside the workspace, so those block. Patterns run
// over the code view (strings masked): see tokenize.h.
#include "gate/rules.h"

namespace bt::gate {
namespace {

// Command position: start of line or after a pipe, `;`, an opening bracket,
// or an assignment (not a comparison).
#define NU_CP R"re((?:^|[|;({]|[^=!<>~]=)\s*\^?)re"
// In bash, wrappers that run the next word as a command count as well.
#define SH_WRAP R"re((?:(?:sudo|exec|command|builtin|env|nohup|nice|setsid|xargs)\s+(?:-\S+\s+)*)*)re"
#define SH_CP R"re((?:^|[;&|({`]|\$\(|\bthen\s|\bdo\s|\belse\s)\s*)re" SH_WRAP
// An argument that leaves the workspace: absolute, home or parent paths.
#define OUTSIDE R"re((?:^|\s|\()["'`]*(?:/|~|\.\.(?:[/\\"'`\s]|$)|\$env\.HOME|\$nu\.home-path|\$nu\.temp-path|\$\{?HOME))re"
#define SECRETS R"re((?:\.ssh\b|/etc/shadow|/etc/gshadow|/etc/sudoers|\.aws/credentials|\.netrc\b|\.gnupg|\bid_(?:rsa|ed25519|ecdsa|dsa)\b|/proc/self/environ|\.kube/config|\.docker/config|\.git-credentials|\.bash_history))re"
#define SYSTEM R"re((?:^|\s|\()["'`]?/(?:etc|root|proc|sys|boot|var|usr|bin|sbin|lib|lib64|home|srv|opt|run)\b)re"

const char* kNoExternal =
    "Use only Nushell built-in commands (from json, to json, str, math, each, where, "
    "get, insert, update ...); the tool must not start other programs.";
const char* kNoNetwork = "Work only on the input JSON from stdin; the tool has no network access.";
const char* kInWorkspace =
    "Use relative file names inside the current directory, or better keep data in "
    "variables and print the result on stdout.";

}  // namespace

std::vector<Rule> builtin_rules() {
  const auto nu = Runtime::nu, py = Runtime::python3, sh = Runtime::bash;
  const auto B = Severity::block, W = Severity::warn;
  return {
      // ---- Nushell ----
      {"nu.external", nu, B, "runs an external program (^cmd)", kNoExternal,
       R"re((\^)[\w$"'`./~(-])re"},
      {"nu.run_external", nu, B, "runs an external program (run-external)", kNoExternal,
       R"re(\b(run-external)\b)re"},
      {"nu.exec", nu, B, "replaces the tool's process with another program (exec)", kNoExternal,
       NU_CP R"re((exec)(?:\s|$|\)))re"},
      {"nu.shell", nu, B, "starts a shell or interpreter (code built at run time)",
       "Compute the result directly in Nushell; never build code as a string and run it.",
       NU_CP R"re((sh|bash|zsh|dash|ksh|fish|nu|python3?|perl|ruby|node|pwsh|powershell|busybox|env|nohup|setsid|xargs|timeout|script)(?:\s|$|\)))re"},
      {"nu.source", nu, B, "loads code from a file at run time (source/source-env)",
       "Put all code in the tool itself.", NU_CP R"re((source|source-env|overlay\s+use)\b)re"},
      {"nu.decode_run", nu, B, "decodes a payload and runs it",
       "Never decode and run code; decode only data and process it as data.",
       R"re((decode\s+(?:base64|hex|new-base64)|from\s+base64)[^\n]*\|\s*\^?(?:nu|sh|bash|zsh|python3?|source|run-external|\^))re"},
      {"nu.sudo", nu, B, "escalates privileges (sudo/su/doas)", kNoExternal,
       NU_CP R"re((sudo|su|doas|pkexec)(?:\s|$|\)))re"},
      {"nu.chmod", nu, B, "changes permissions or ownership", kInWorkspace,
       NU_CP R"re((chmod|chown|chgrp|chattr|setfacl)(?:\s|$|\)))re"},
      {"nu.network_tool", nu, B, "uses a network tool", kNoNetwork,
       NU_CP R"re((curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|rsync|ftp|ping|dig|nslookup|openssl)(?:\s|$|\)))re"},
      {"nu.http", nu, B, "makes an HTTP request", kNoNetwork,
       R"re(\b(http)\s+(?:get|post|put|delete|patch|head|options)\b)re"},
      {"nu.port", nu, B, "opens or probes a network port", kNoNetwork,
       NU_CP R"re((port)(?:\s|$|\)))re"},
      {"nu.system_tool", nu, B, "runs a system administration command", kNoExternal,
       NU_CP R"re((dd|mkfs\S*|crontab|systemctl|service|kill|pkill|killall|shutdown|reboot|mount|umount|iptables|useradd|passwd)(?:\s|$|\)))re"},
      {"nu.fs_outside", nu, B, "writes, moves or deletes files outside the workspace", kInWorkspace,
       NU_CP R"re((rm|mv|cp|save|touch|mkdir|ln)(?:\s|$))re", false, OUTSIDE},
      {"nu.system_path", nu, B, "reads system locations", kInWorkspace,
       NU_CP R"re((open|ls|glob|cd|du|watch|load-env|cat|ll)(?:\s|$))re", false, SYSTEM "|" OUTSIDE},
      {"nu.secrets", nu, B, "reads secrets (ssh keys, credentials, shadow file)",
       "Never read credentials or keys; the tool gets only its input JSON.",
       NU_CP R"re((open|ls|glob|cat|load-env|cp|mv|du|path\s+join|path\s+expand)(?:\s|$))re", false, SECRETS},
      {"nu.home_secret", nu, B, "builds a path to secrets from the home directory",
       "Never read credentials or keys; the tool gets only its input JSON.",
       R"re((\$env\.HOME|\$nu\.home-path|\$env\.USERPROFILE)[^\n]{0,80}\.(?:ssh|aws|gnupg|netrc|kube|docker|bash_history|git-credentials))re", true},
      {"nu.home", nu, B, "uses the home directory (dotfiles, keys, persistence)", kInWorkspace,
       R"re((\$nu\.home-path|\$env\.HOME\b|\$env\.USERPROFILE))re"},
      {"nu.path_escape", nu, B, "builds a path that leaves the workspace (path join with .. or /)",
       kInWorkspace,
       R"re((\[[^\]\n]*["'`](?:\.\.|/)[^\]\n]*\]\s*\|\s*path\s+join|\bpath\s+join\b[^|\n]*["'`](?:\.\.|/)))re", true},
      {"nu.devtcp", nu, B, "opens a raw network connection (/dev/tcp)", kNoNetwork,
       R"re((/dev/(?:tcp|udp)/))re", true},
      {"nu.plugin", nu, B, "loads a plugin", kNoExternal, NU_CP R"re((plugin\s+(?:add|use)|register)\b)re"},
      {"nu.env_secret", nu, B, "reads a secret-looking environment variable",
       "The tool's environment is empty; take everything from the input JSON.",
       R"re((\$env\.[A-Za-z_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)\w*))re"},
      {"nu.env_dump", nu, W, "reads the whole environment",
       "The tool's environment is empty; take everything from the input JSON.",
       R"re((\$env)\s*\|)re"},

      // ---- python3 ----
      {"py.subprocess", py, B, "runs other programs (subprocess/pty)",
       "Compute the result in Python itself; do not start other programs.",
       R"re(\b(subprocess|pty\.spawn|commands\.getoutput)\b)re"},
      {"py.os_exec", py, B, "runs other programs (os.system/popen/exec/spawn/fork)",
       "Compute the result in Python itself; do not start other programs.",
       R"re(\b(os\.(?:system|popen\w*|exec\w*|spawn\w*|posix_spawn\w*|fork\w*|kill\w*))\b)re"},
      {"py.eval", py, B, "evaluates code built at run time (eval/exec/compile/__import__)",
       "Write the logic as plain code; never build code as a string and run it.",
       R"re((?:^\s*|[=(,;:\[{+]\s*|\b(?:return|await|and|or|not|if|in|else)\s+)((?:eval|exec|compile|execfile)\s*\()|(__import__|importlib|__builtins__|\bbuiltins\b|\bsys\.modules\b|\bgetattr\s*\(\s*(?:os|sys|builtins|subprocess)\b))re"},
      {"py.deserialize", py, B, "loads code-carrying serialisation (pickle/marshal/ctypes)",
       "Parse the input with json.load only.", R"re(\b(pickle|marshal|dill|shelve|ctypes|cffi)\b)re"},
      {"py.decode_run", py, B, "decodes a payload and runs it", "Never decode and run code.",
       R"re(((?:b64decode|b32decode|a85decode|fromhex|codecs\.decode|zlib\.decompress)[^\n]*\b(?:exec|eval|system|compile)\b))re"},
      {"py.socket", py, B, "opens network sockets", kNoNetwork,
       R"re(^\s*(?:import|from)\s+(?:[\w.]+\s*,\s*)*(socket|ssl|asyncio|selectors)\b|\b(socket\.socket|create_connection)\b)re"},
      {"py.http", py, B, "makes network requests", kNoNetwork,
       R"re(^\s*(?:import|from)\s+(?:[\w.]+\s*,\s*)*(urllib(?:2|3)?\b(?:\.(?:request|response|error|robotparser)\b|\s*(?:$|,|as\s)|\s+import\s+[^\n]*\b(?:request|urlopen|urlretrieve|Request|build_opener)\b)|(?:requests|http\.client|http\.server|httpx|aiohttp|ftplib|smtplib|telnetlib|paramiko|pycurl|xmlrpc|websocket\w*|poplib|imaplib)\b)|\b(urllib\.request)\b)re"},
      {"py.fs_outside", py, B, "deletes, moves or copies files outside the working directory", kInWorkspace,
       R"re(\b(shutil\.(?:rmtree|move|copy\w*)|os\.(?:remove|unlink|rmdir|removedirs|rename|replace|makedirs|mkdir|symlink|link)|\.unlink|\.rmdir|\.write_text|\.write_bytes)\s*\()re", false,
       R"re(^\s*(?:[rbRB]?["'](?:/|~|\.\.)|os\.path\.expanduser|(?:pathlib\.)?Path\.home|os\.environ|os\.getenv|["']\$HOME))re"},
      {"py.write_outside", py, B, "writes files outside the working directory", kInWorkspace,
       R"re(\b(open|io\.open|Path)\s*\()re", false,
       R"re(^\s*[rbRB]?["'](?:/|~|\.\.)[^"']*["']\s*(?:\)\s*\.\s*open\s*\(\s*)?,?\s*(?:mode\s*=\s*)?[rbRB]?["'][wax+])re"},
      {"py.system_path", py, B, "reads system locations", kInWorkspace,
       R"re(\b(open|io\.open|Path|os\.listdir|os\.scandir|os\.walk|glob\.glob)\s*\()re", false,
       R"re(^\s*[rbRB]?["'](?:/(?:etc|root|proc|sys|boot|var|home|srv|run)\b|~))re"},
      {"py.secrets", py, B, "reads secrets (ssh keys, credentials, shadow file)",
       "Never read credentials or keys; the tool gets only its input JSON.",
       R"re(\b(open|io\.open|Path|expanduser|os\.path\.join|read_text)\s*\()re", false, SECRETS},
      {"py.home", py, B, "uses the home directory (dotfiles, keys)", kInWorkspace,
       R"re(\b((?:Path\.home|expanduser)\s*\())re"},
      {"py.chmod", py, B, "changes permissions, ownership or user", kInWorkspace,
       R"re(\b(os\.(?:chmod|chown|lchown|setuid|setgid|seteuid|setreuid|chroot))\b)re"},
      {"py.env_secret", py, W, "reads the environment",
       "The tool's environment is empty; take everything from the input JSON.",
       R"re(\b(os\.environ|os\.getenv)\b)re"},

      // ---- bash ----
      {"sh.rm_outside", sh, B, "deletes or writes files outside the working directory", kInWorkspace,
       SH_CP R"re((rm|mv|cp|tee|touch|mkdir|ln|dd|truncate|shred)\b)re", false, OUTSIDE},
      {"sh.redirect_outside", sh, B, "writes files outside the working directory", kInWorkspace,
       R"re((>>?)\s*)re", false,
       R"re(^\s*["']?(?:/(?:etc|root|home|usr|var|bin|sbin|boot|lib|opt|proc|sys|tmp|srv|run)\b|~|\$HOME|\.\./))re"},
      {"sh.read_outside", sh, B, "reads files outside the working directory", kInWorkspace,
       SH_CP R"re((cat|tac|find|ls|head|tail|tar|zip|less|more|base64|xxd|od|hexdump|strings|du|stat|file)\b)re", false,
       R"re((?:^|\s|\()["'`]*(?:~|\$\{?HOME\b|/(?:etc|root|home|proc|sys|var|boot|srv|run|opt|usr)\b|\.\./))re"},
      {"sh.pipe_shell", sh, B, "downloads code and pipes it into a shell", kNoNetwork,
       R"re(\b((?:curl|wget)\b[^\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh)\b)re"},
      {"sh.network", sh, B, "uses a network tool", kNoNetwork,
       SH_CP R"re((curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|rsync|ftp)\b)re"},
      {"sh.devtcp", sh, B, "opens a raw network connection (/dev/tcp)", kNoNetwork,
       R"re((/dev/(?:tcp|udp)/))re", true},
      {"sh.eval", sh, B, "evaluates code built at run time (eval/source/sh -c)",
       "Write the commands directly; never build code as a string and run it.",
       SH_CP R"re((eval|source|\.\s+\S|(?:ba|z|da|k)?sh\s+-c|python3?\s+-c|perl\s+-e)\b)re"},
      {"sh.interpreter", sh, B, "starts a shell or interpreter (code piped or fed in)",
       "Write the commands directly; never build code as a string and run it.",
       SH_CP R"re(((?:ba|z|da|k|c|tc|fi)?sh|python[\d.]*|perl|ruby|node|nu|php|lua|pwsh|busybox)(?:\s|$|[;&|)<>]))re"},
      // After a line break (not a continued line) or an operator, a word that
      // is an expansion: the program to run is computed (`$c`, "$(...)", $'\x..').
      {"sh.dynamic_command", sh, B, "runs a command whose name is computed at run time",
       "Name every command literally; never build a command name from strings or input.",
       R"re((?:\A|[^\\]\n|[;&|`]|\$\(|\bthen\s|\bdo\s|\belse\s)[ \t]*)re" SH_WRAP R"re(("?\$[\w{('@*]))re"},
      {"sh.awk_system", sh, B, "runs commands from an awk program (system, getline, print |)",
       "Compute the result in awk itself; do not start commands from it.",
       SH_CP R"re(((?:g|m|n)?awk)\b)re", false, R"re(\bsystem\s*\(|\|\s*getline\b|\bprint[^;]*\|\s*")re"},
      {"sh.decode_run", sh, B, "decodes a payload and runs it", "Never decode and run code.",
       R"re(((?:base64\s+(?:-d|--decode|-D)|xxd\s+-r|openssl\s+\S*\s*-d)[^\n]*\|\s*(?:ba|z|da)?sh)\b)re"},
      {"sh.sudo", sh, B, "escalates privileges", "Do not use sudo/su; work in the current directory.",
       R"re((?:^|[;&|({`]|\$\()\s*(sudo|su|doas|pkexec)\b)re"},
      {"sh.chmod", sh, B, "makes files world-writable or setuid", kInWorkspace,
       R"re(\b(chmod\s+(?:-\w+\s+)*(?:0?777|a\+rwx|\S*\+s|[2467][0-7]{3}))\b)re"},
      {"sh.chmod_any", sh, W, "changes permissions", kInWorkspace, SH_CP R"re((chmod|chown)\b)re"},
      {"sh.secrets", sh, B, "reads secrets (ssh keys, credentials, shadow file)",
       "Never read credentials or keys; the tool gets only its input JSON.", "(" SECRETS ")", true},
  };
}

#undef NU_CP
#undef SH_CP
#undef SH_WRAP
#undef OUTSIDE
#undef SECRETS
#undef SYSTEM

}  // namespace bt::gate
