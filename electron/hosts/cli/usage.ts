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
  chats new CHARACTER_ID [CHARACTER_ID ...] [--persona ID] [--lorebook ID ...] [--json]   # two or more: a group chat
  chats set CHAT_ID [--persona ID] [--lorebook ID ...] [--note TEXT] [--note-depth N] [--note-every N] [--clear-note] [--json]
  chats member CHAT_ID CHARACTER_ID (--add | --mute | --unmute | --remove | --talkativeness X) [--json]
  chats list [CHARACTER_ID] [--json]
  chats show CHAT_ID [--json]
  chats send CHAT_ID TEXT [--as CHARACTER_ID] [--model PATH] [--max-tokens N] [--seed N] [--temperature T] [--threads N] [--lora FILE[:SCALE] ...] [--json]
  chats regenerate CHAT_ID [--message ID] [--as CHARACTER_ID] [generation options] [--json]   # a new swipe
  chats continue CHAT_ID [generation options] [--json]                    # extend the last reply
  chats swipes MESSAGE_ID [--json]
  chats prompt CHAT_ID [--json]                                           # the assembled prompt
  chats state CHAT_ID [--drop] [--json]                                   # the KV-cache state saved on disk
  models adapters [--add FILE] [--remove ID] [--json]   # LoRA adapters (GGUF, general.type = adapter)
  personas create --name NAME [--description TEXT] [--json]
  personas list [--json]
  personas use ID                                       # the default persona for new chats
  lorebooks import FILE [--json]                        # world-info JSON, a character_book JSON, or a card
  lorebooks list [--json]
  lorebooks show ID [--json]
  lorebooks export ID --format worldinfo|character_book --out FILE
  lorebooks attach|detach ID (--global | --character ID | --chat ID) [--json]
  backends add NAME --kind llama-server|openai --url URL [--model NAME] [--api-key-env VAR] [--allow-plain-http] [--tokenizer GGUF] [--json]
  backends list [--json]                                # the active one is marked; keys are never shown
  backends test NAME [--json]                           # connect: {ok, model, contextSize}
  backends use NAME|local                               # where every generation runs
  backends rm NAME
  eval perplexity --model ID|PATH (--character ID... | --chat ID... | --text-file F) [--sessions N] [--max-tokens-scored N] [--context N] [--template ID] [--lora FILE[:SCALE] ...] [--lora-scales 0,0.5,1] [--json]
  eval runs [--kind perplexity|ab] [--json]            # stored evaluation runs
  eval compare RUN_ID RUN_ID... [--json]                # difference per character, with its interval
  eval export RUN_ID --format json|csv|markdown --out FILE
  eval ab new --contestant MODEL[,template=ID][,preset=NAME][,lora=FILE:SCALE]... --contestant ... (--character ID... | --chat ID...) [--items N] [--seed N] [--max-tokens N] [--json]
  eval ab next RUN_ID [--json]                          # the next blind pair, labelled only A and B
  eval ab vote RUN_ID ITEM a|b|tie|bad
  eval ab report RUN_ID [--json]                        # labels revealed: wins, Wilson intervals, ratings
  eval stats (--ab RUN_ID | --chat ID...) [--json]      # reply statistics beside PIPPA bot turns
  bench chat --model PATH --turns N [--context N] [--max-tokens N] [--threads N] [--lorebook FILE] [--lore-baseline]
             [--note TEXT] [--note-depth N] [--note-every N] [--json]
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

Data directory: --data-dir DIR, else MASQUE_DATA_DIR, else the app's own (Electron userData, e.g. ~/.config/Masque).
Exit codes: 0 ok, 1 bad input or not found (stderr starts with the error code), 2 unexpected failure.
`;
