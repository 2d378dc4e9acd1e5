// Package kb is relaytop's knowledge base: the explanations behind the
// reply drill-down panel and `relaytop explain`.
//
// The knowledge base is data, embedded in the binary, not Go code:
//
//   - registry/smtp-codes.tsv and registry/smtp-basic-replies.tsv are the
//     IANA enhanced status code registry and the RFC basic reply codes. At
//     load every row becomes a registry entry: one per enumerated enhanced
//     code (ID "enhanced:X.1.1"), per subject (ID "subject:X.7"), per class
//     (ID "class:4") and per basic code (ID "basic:421").
//   - entries/*.md are deep entries, one Markdown file each, named after
//     the entry's ID. Adding an entry means adding a file; nothing else
//     changes.
//
// # Deep entry format
//
// A deep entry starts with a front matter block between two "---" lines
// of "key: value" pairs. A line that starts with a space or tab continues
// the value of the key above it (long source lists). Keys:
//
//	id               required; equals the file name without ".md"
//	title            required; the part before " — " is the entry's Label
//	provider         required; provider id as relaytop classifies it, or
//	                 "any" for replies any receiver may send (then tokens or
//	                 phrases are required, and codes optional)
//	basic            basic reply code (451); basic or enhanced is required
//	                 (except for provider any)
//	enhanced         enhanced code (4.7.0) or a detail range (4.7.500-699)
//	tokens           space-separated words of the reply text that make the
//	                 match most specific (PRX4, TSS04, S3150)
//	phrases          "|"-separated pieces of reply text, matched ignoring
//	                 case, that work like tokens ("Connection timed out |
//	                 Connection refused")
//	relays           space-separated relay host suffixes that identify the
//	                 sender when the provider is unknown (.protection.outlook.com)
//	threshold_share  alarm share of the provider's attempts (0.10)
//	sources          required; space- or comma-separated URLs
//
// The body is a series of "## " sections, each at most once, in any order:
// "What it means" (required), "Who sends it", "Why it happens", "How to fix
// it" (an ordered list, one step per "1. " item), "In bulk and cold email"
// and "FAQ" (paragraphs that start with a bold question, "**Why?** Because
// ..."). Prose keeps its Markdown as written; soft-wrapped lines are joined
// into paragraphs, list items stay on lines of their own. Unknown keys,
// unknown sections and malformed values are load errors that name the file
// and line.
//
// # Matching
//
// Match picks the most specific entry for a reply, in this order:
//
//  1. provider + enhanced code + a token or phrase found in the text
//     (LevelToken); an entry for any provider matches only this way, and
//     loses to an entry of the reply's own provider at the same level;
//  2. provider + enhanced code, or provider + basic code for entries that
//     give no enhanced code (LevelProvider); an entry that gives no
//     enhanced code but has tokens or phrases matches only by them;
//  3. the registry entry for the enhanced code (LevelEnhanced), else its
//     subject (LevelSubject);
//  4. the registry entry for the basic code (LevelBasic);
//  5. the registry entry for the class digit (LevelClass);
//  6. a generic "unknown reply" entry (LevelUnknown).
//
// In levels 1 and 2 a deep entry with relays also matches when the provider
// is unknown ("" or "other") but the relay host ends in one of its suffixes
// on a label boundary. With neither provider nor relay known, a deep entry
// still matches at level 1 by its token alone (PRX4 names Microsoft), below
// any match that the provider or relay confirms. Tokens match case-sensitively as whole words, so
// PRX4 does not match PRX40. An entry that gives both a basic and an
// enhanced code needs both to agree with the reply, unless the reply has
// no basic code. Within a level an exact code beats a range, a narrower
// range beats a wider one, and then the entry with the lower ID wins.
package kb
