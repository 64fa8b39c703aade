export const USAGE = `Masque — offline role-play chat

Usage: masque [--data-dir DIR] <command> [options]

  characters create --name NAME [--description TEXT] [--greeting TEXT] [--json]
  characters list [--tag TAG] [--search TEXT] [--sort name|recent|imported] [--json]
  characters show ID [--json]
  characters export ID --format v2|v3|png|charx --out FILE
  import FILE [--format auto|pippa|card|sillytavern] [--json]   # PIPPA JSONL, a card (JSON, PNG, CHARX) or a SillyTavern chat
  export pippa (--chat ID... | --character ID... | --all) --out FILE [--alias NAME...] [--accept-flagged] [--json]
  export metharme (--chat ID... | --character ID... | --all) --out FILE [--mode turn|chat] [--alias NAME...] [--accept-flagged] [--json]
  export sillytavern --chat ID --out FILE [--json]
  validate FILE [--strict] [--json]                     # check a PIPPA JSONL file line by line
  sessions list CHARACTER_ID [--json]                   # reference sessions imported with a character
  chats new CHARACTER_ID [--json]
  chats list [CHARACTER_ID] [--json]
  chats show CHAT_ID [--json]
  chats send CHAT_ID TEXT [--model PATH] [--max-tokens N] [--seed N] [--temperature T] [--threads N] [--json]
  chats regenerate CHAT_ID [--message ID] [generation options] [--json]   # a new swipe
  chats continue CHAT_ID [generation options] [--json]                    # extend the last reply
  chats swipes MESSAGE_ID [--json]
  chats prompt CHAT_ID [--json]                                           # the assembled prompt
  bench chat --model PATH --turns N [--context N] [--max-tokens N] [--threads N] [--json]
  models list [--rescan] [--json]                       # the model library, with a fit for this machine
  models add PATH [--json]                              # a GGUF file, or a folder scanned recursively
  models pull URI [--json]                              # hf:user/repo:QUANT | hf:user/repo/file.gguf | https://...
  models fit ID|PATH|URI [--context N] [--gpu-layers N] [--json]
  models use ID|PATH                                    # the active model (sets modelPath)
  models rm ID [--delete-file]                          # forget it; delete only a file Masque downloaded
  models catalog [--json]                               # recommended models and whether they fit
  settings get [KEY] [--json]
  settings set KEY VALUE
  web [--port N] [--model PATH] [--json]
  help

The data directory defaults to the app's (Electron userData); MASQUE_DATA_DIR or --data-dir override it.
Exit codes: 0 ok, 1 bad input or not found (stderr starts with the error code), 2 unexpected failure.
`;
