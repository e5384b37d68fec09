// Risk patterns for task text. Each pattern is matched against several views
// of the folded text (plain, leetspeak-decoded, letters-only, base64-decoded
// blobs) so obfuscation does not hide a phrase; a signal counts once, and the
// obfuscation itself adds weight. Single words like "sudo" or "rm" weigh
// little on their own: only phrasings that direct the model score high.
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "gate/input_gate.h"
#include "gate/text.h"

namespace bt::gate {
namespace {

struct Pattern {
  const char* id;
  double weight;
  const char* what;
  const char* re;             // over folded text (lower case, accents stripped)
  const char* compact = nullptr;  // over letters-only text, for spaced-out phrasing
};

// Verbs of execution and of override, in English, German, French, Spanish.
#define BT_RUN "(run|execute|exec|spawn|invoke|launch|ausfuhren|fuhre|starte|executer?z?|lancer?z?|ejecutar?|lanzar?)"
const Pattern kPatterns[] = {
    {"override.en", 1.0, "instruction override",
     R"(\b(ignore|disregard|forget|skip|bypass|override)\b(?:[^.\n]|\.\S){0,30}\b(previous|prior|above|earlier|preceding|system|original|initial|all (the )?(previous|prior)|your)\b(?:[^.\n]|\.\S){0,20}\b(instructions?|prompts?|directions|guidelines|guidance|rules|constraints|context)\b)",
     R"((ignore|disregard|forget)(all|the|your)?(previous|prior|above|earlier|system)(instructions|prompts|rules))"},
    {"override.en", 1.0, "instruction override",
     R"(\b(ignore|disregard|forget)\b (all|any|your|these|those) (instructions|prompts|guidelines|guardrails|safety rules)\b)"},
    {"override.en", 1.0, "instruction override",
     R"(\b(ignore|disregard|forget)\b (the |all |any )?(rules|instructions|prompts?|guidance|guidelines) (above|before|so far)\b)"},
    {"override.de", 1.0, "instruction override (German)",
     R"(\b(ignoriere|ignorier|ignorieren|vergiss|vergessen|missachte|uberspringe)\b(?:[^.\n]|\.\S){0,40}\b(anweisungen|anweisung|instruktionen|regeln|vorgaben|befehle)\b)",
     R"((ignoriere|vergiss)(alle)?(vorherigen|bisherigen|obigen|deine)(anweisungen|regeln|instruktionen))"},
    {"override.de", 1.0, "instruction override (German)",
     R"(\b(beachte|beachtet|befolge|befolgt)\b(?:[^.\n]|\.\S){0,40}\b(anweisungen|instruktionen|regeln|vorgaben)\b(?:[^.\n]|\.\S){0,10}\bnicht (mehr|langer)\b|\b(anweisungen|instruktionen|regeln|vorgaben)\b(?:[^.\n]|\.\S){0,10}\bnicht (mehr|langer) (beachten|befolgen)\b)"},
    {"override.fr", 1.0, "instruction override (French)",
     R"(\b(ignorez?|ignorer|oubliez?|oublier|ne (tiens|tenez) (pas|plus) compte)\b(?:[^.\n]|\.\S){0,40}\b(les|tes|vos|toutes|des)\b(?:[^.\n]|\.\S){0,20}\b(instructions|consignes|regles|directives)\b)",
     R"((ignorez|oublie|oubliez)(toutes)?(les|tes|vos)(instructions|consignes|regles))"},
    {"override.es", 1.0, "instruction override (Spanish)",
     R"(\b(ignora|ignorar|olvida|olvidar|omite|descarta|haz caso omiso|hagan caso omiso|no hagas caso)\b(?:[^.\n]|\.\S){0,40}\b(instrucciones|reglas|indicaciones|normas)\b)",
     R"((ignora|olvida)(todas)?(las|tus)?(instrucciones|reglas|indicaciones))"},
    {"override.it", 1.0, "instruction override (Italian)",
     R"(\b(ignora|ignorate|ignorare|dimentica|dimenticate|dimenticare|trascura|trascurate|non seguire|non rispettare)\b(?:[^.\n]|\.\S){0,40}\b(istruzioni|regole|indicazioni|direttive)\b)"},
    {"override.pt", 1.0, "instruction override (Portuguese)",
     R"(\b(ignore|ignora|ignorem|esqueca|esquecam|esquece|desconsidere|descarte|nao siga)\b(?:[^.\n]|\.\S){0,40}\b(instrucoes|regras|orientacoes|diretrizes|indicacoes)\b)"},
    // Dutch "regels" is also "lines": only earlier/your rules count.
    {"override.nl", 1.0, "instruction override (Dutch)",
     R"(\b(negeer|vergeet|negeren|vergeten)\b(?:[^.\n]|\.\S){0,30}\b(eerdere|vorige|voorgaande|bovenstaande|oorspronkelijke|je|jouw|uw)\b(?:[^.\n]|\.\S){0,20}\b(instructies|regels|aanwijzingen|richtlijnen|opdrachten)\b)"},
    // Alone this may be a data question ("ignore the schema's examples").
    {"override.contract", 0.6, "tells the model to ignore the contract",
     R"(\b(ignore|disregard|forget|bypass|override)\b (the |this |your )?(data )?(contract|schema)\b)"},
    {"role.switch", 0.6, "role switch",
     R"(\b(you are now|from now on,? you|du bist (jetzt|nun|ab sofort)|(tu es|vous etes) (maintenant|desormais)|ahora eres|a partir de ahora eres)\b)"},
    {"role.new_instructions", 0.6, "new instructions",
     R"(\b(new instructions|neue anweisungen|nouvelles (instructions|consignes)|nuevas instrucciones)\b\s*:?)"},
    {"role.mode", 1.0, "jailbreak mode",
     R"(\b(developer|god|dan|jailbreak|unrestricted|admin|sudo) mode\b|\b(you|assistant|ai)\b (now )?(have|has|are|is)( now)? (no|without) (restrictions|limitations|rules|filters|guardrails)\b|\bjailbreak\w*|\bdo anything now\b|\b(you are now|du bist jetzt|tu es maintenant|ahora eres) (dan|jailbroken|unrestricted|unfiltered|evil)\b)"},
    {"role.prompt_leak", 1.0, "asks to reveal hidden instructions",
     R"(\b(reveal|print|show|output|repeat|leak|zeige|affiche|muestra)\b(?:[^.\n]|\.\S){0,30}\b(system prompt|hidden prompt|your (instructions|prompt|rules)|initial prompt|systemprompt)\b)"},
    {"role.act_as", 0.8, "asks the model to act as a privileged role",
     R"(\b(act as|pretend to be|you are|agis comme|actua como|tu als)\b(?:[^.\n]|\.\S){0,20}\b(root|administrator|sysadmin|unrestricted|unfiltered|a (linux )?(shell|terminal))\b)"},
    {"role.disobey", 1.0, "tells the model not to follow its rules",
     R"(\b(do not|don't|never|nicht|ne pas|no)\b(?:[^.\n]|\.\S){0,12}\b(follow|obey|respect|befolge|befolgen|suivre|respecter|sigas|seguir)\b(?:[^.\n]|\.\S){0,25}\b(rules|contract|instructions|guidelines|regeln|anweisungen|regles|consignes|reglas|instrucciones)\b)"},
    {"role.tags", 0.8, "fake role or system markers",
     R"(</?(system|assistant|instructions?|im_start|im_end)>|\[/?(system|inst)\]|<\|im_(start|end)\|>|###\s*(system|instruction|new task)\b)"},
    {"role.disable_safety", 1.0, "asks to switch off checks",
     R"(\b(disable|turn off|switch off|bypass|circumvent|evade|umgehe|umgehen|deaktiviere|desactive[rz]?|contourne[rz]?|desactiva[r]?|evita[r]?)\b(?:[^.\n]|\.\S){0,30}\b(sandbox|safety|security|gate|filters?|checks|validation|guardrails|sicherheit|securite|seguridad)\b)"},
    {"cmd.pipe_shell", 1.0, "downloads and pipes into a shell",
     R"(\b(curl|wget|iwr|invoke-webrequest)\b[^\n]{0,100}\|\s*(sudo\s+)?(ba|z|da|k)?sh\b)"},
    {"cmd.download_run", 1.0, "download-and-execute phrasing",
     R"(\b(download|fetch|herunterladen|lade|laden|telecharger?z?|descargar?)\b(?:[^.\n]|\.\S){0,60}\b(and|und|et|y|then|dann|puis|luego)\b\s*\b)" BT_RUN R"(\b)"},
    {"cmd.shell", 0.7, "asks the tool to run shell or arbitrary commands",
     R"(\b)" BT_RUN R"(\b(?:[^.\n]|\.\S){0,40}(\bshell\b|\bbash\b|\bsh -c\b|/bin/(ba)?sh|\bpowershell\b|\bcmd\.exe\b|\brun-external\b|\^sh\b|\bsubprocess\b|\bos\.system\b|\barbitrary (code|commands?)\b|\bsystem ?(commands?|befehle)\b|\bbefehle\b|\bcommandes? (systeme|shell)\b|\bcomandos? (del sistema|de shell)\b))"},
    {"cmd.reverse_shell", 1.0, "reverse or bind shell",
     R"(\b(reverse|bind) ?shell\b|/dev/(tcp|udp)/|\b(nc|ncat|netcat)\b\s+(-\w+\s+)*-e\b|\bsocat\b[^\n]{0,40}exec)"},
    {"cmd.shell_to_host", 1.0, "connects a shell to a host and port",
     R"(\b(connect|pipe|send|forward|expose|bind|attach)\w*\b[^\n]{0,60}(\b\d{1,3}(\.\d{1,3}){3}:\d{2,5}\b[^\n]{0,60}/bin/(ba|z|da)?sh\b|/bin/(ba|z|da)?sh\b[^\n]{0,60}\b\d{1,3}(\.\d{1,3}){3}:\d{2,5}\b))"},
    {"cmd.netcat", 0.6, "netcat to a host and port",
     R"(\b(nc|ncat|netcat|socat|telnet)\b\s+(-\w+\s+)*[\w.-]+\s+\d{2,5}\b)"},
    {"cmd.decode_run", 1.0, "decodes a payload and runs it",
     R"(\b(base64|b64|xxd|openssl)\b[^\n]{0,30}(-d|--decode|-r)\b[^\n]{0,30}\|\s*(ba|z)?sh\b|\b(decode|dekodiere|decode[rz]|decodifica[r]?)\b(?:[^.\n]|\.\S){0,40}\b(and|und|et|y|then|dann|puis)\b\s*)" BT_RUN R"(\b)"},
    {"cmd.rm_root", 0.5, "destructive rm",
     R"(\brm\s+(-[a-z]*\s+)*-[a-z]*[rf][a-z]*\s+(/|~|\*|\$home|\.\./)|\bmkfs\b|\bdd if=/dev/(zero|random))"},
    {"cmd.secrets", 0.6, "names secret files",
     R"(/etc/(shadow|sudoers|gshadow)|~/\.ssh|\.ssh/|\bid_(rsa|ed25519|ecdsa|dsa)\b|\.aws/credentials|\.netrc\b|\.gnupg|/proc/self/environ|\.kube/config|\.docker/config)"},
    {"cmd.exfiltrate", 1.0, "asks to send secrets or data out",
     R"(\bexfiltrat\w*|\b(send|post|upload|leak|transmit|forward|e-?mail|mail|schicke|sende|senden|envoie[rz]?|envoyer|envia[r]?|manda[r]?)\b(?:[^.\n]|\.\S){0,60}\b(api[ _-]?keys?|secrets?|credentials?|passwords?|passwort|tokens?|environment( variables)?|env vars?|\$env|ssh keys?|private keys?|umgebungsvariablen|variables d'environnement|variables de entorno|mots de passe|contrasenas?)\b)"},
    {"cmd.exfil_url", 0.4, "sends data to a URL",
     R"(\b(send|post|upload|schicke|sende|envoie[rz]?|envia[r]?)\b(?:[^.\n]|\.\S){0,60}\b(to|an|a|al)\b\s*(https?://|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))"},
    {"cmd.privilege", 0.5, "privilege escalation",
     R"(\bsudo\s+(-\w+\s+)*(rm|chmod|chown|su|bash|sh|-i|-s)\b|\bchmod\s+(-r\s+)?(777|[0-7]?[4-7]755|\+s|u\+s)\b|\bsetuid\b)"},
    {"cmd.persistence", 0.4, "persistence locations",
     R"(\bcrontab\b|authorized_keys|\.bashrc\b|\.profile\b|/etc/rc\.local|systemd/system)"},
    {"cmd.sudo_word", 0.15, "mentions sudo", R"(\bsudo\b)"},
};
#undef BT_RUN

// Signals that only name a dangerous command or file. Naming is not asking:
// together they weigh at most kMentionCap, so a task that merely mentions
// `sudo rm -rf /` passes and only a directive signal can reject.
constexpr double kMentionCap = 0.6;
bool is_mention(const std::string& id) {
  for (const char* m : {"cmd.rm_root", "cmd.secrets", "cmd.privilege", "cmd.persistence",
                        "cmd.netcat", "cmd.sudo_word"})
    if (id == m) return true;
  return false;
}

struct Compiled {
  const Pattern* p;
  std::unique_ptr<RE2> re, compact;
};

const std::vector<Compiled>& compiled() {
  static const std::vector<Compiled> all = [] {
    std::vector<Compiled> v;
    RE2::Options o;
    o.set_log_errors(true);
    for (const auto& p : kPatterns) {
      Compiled c{&p, std::make_unique<RE2>(p.re, o), nullptr};
      if (p.compact) c.compact = std::make_unique<RE2>(p.compact, o);
      v.push_back(std::move(c));
    }
    return v;
  }();
  return all;
}

std::string clip(std::string s) {
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// Adds the hits of every pattern in `view`; `how` names the obfuscation.
void scan_view(const std::string& view, bool is_compact, const std::string& how, double extra,
               std::map<std::string, RiskHit>& hits) {
  for (const auto& c : compiled()) {
    const RE2* re = is_compact ? c.compact.get() : c.re.get();
    if (!re || !re->ok()) continue;
    re2::StringPiece m;
    if (!re->Match(view, 0, view.size(), RE2::UNANCHORED, &m, 1)) continue;
    const double w = c.p->weight + (how.empty() ? 0 : extra);
    auto it = hits.find(c.p->id);
    if (it != hits.end()) continue;  // the plainest view that matched names it
    std::string reason = fmt::format("{}: \"{}\"", c.p->what, clip(std::string(m)));
    if (!how.empty()) reason += " (" + how + ")";
    hits[c.p->id] = {c.p->id, w, reason};
  }
}

// Printable decodings of base64 runs in the text.
std::vector<std::string> base64_payloads(const std::string& text) {
  static const RE2 blob(R"(([A-Za-z0-9+/]{24,}={0,2}))");
  std::vector<std::string> out;
  re2::StringPiece in(text), m;
  while (RE2::FindAndConsume(&in, blob, &m)) {
    static const std::string abc =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string dec;
    unsigned buf = 0;
    int bits = 0;
    for (char ch : m) {
      const auto pos = abc.find(ch);
      if (pos == std::string::npos) break;
      buf = (buf << 6) | static_cast<unsigned>(pos);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        dec.push_back(static_cast<char>((buf >> bits) & 0xFF));
      }
    }
    const auto printable = std::count_if(dec.begin(), dec.end(), [](unsigned char c) {
      return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t';
    });
    if (!dec.empty() && printable * 10 >= static_cast<long>(dec.size()) * 9) out.push_back(dec);
  }
  return out;
}

}  // namespace

std::vector<RiskHit> score_risk(const std::string& clean_utf8) {
  std::map<std::string, RiskHit> hits;
  auto ct = clean_text(clean_utf8);
  if (!ct) return {};
  const std::string& f = ct->folded;
  scan_view(f, false, "", 0, hits);
  scan_view(unleet(f), false, "leetspeak", 0.2, hits);
  scan_view(compact(f), true, "spaced out", 0.2, hits);
  scan_view(compact(unleet(f)), true, "spaced-out leetspeak", 0.2, hits);
  for (const auto& payload : base64_payloads(ct->text)) {
    if (auto dec = clean_text(payload)) {
      scan_view(dec->folded, false, "hidden in base64", 0.3, hits);
      scan_view(compact(dec->folded), true, "hidden in base64", 0.3, hits);
    }
    if (!hits.count("obf.base64"))
      hits["obf.base64"] = {"obf.base64", 0.2, "contains a base64-encoded text blob"};
  }
  if (ct->mixed_script_words > 0)
    hits["obf.homoglyph"] = {"obf.homoglyph", 0.4,
                             fmt::format("{} word(s) mix Latin with Cyrillic/Greek look-alikes",
                                         ct->mixed_script_words)};
  std::vector<RiskHit> out;
  for (auto& [id, h] : hits) out.push_back(std::move(h));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
  double mentions = kMentionCap;
  for (auto& h : out) {
    if (!is_mention(h.id)) continue;
    h.weight = std::min(h.weight, mentions);
    mentions -= h.weight;
  }
  return out;
}

}  // namespace bt::gate
