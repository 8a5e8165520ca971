import { check } from './errors.js';

// Compact lists of the most frequent function words (articles, pronouns, prepositions, conjunctions, auxiliaries)
// per language, kept as space-separated strings so that nothing is built until a list is asked for.
const LISTS = {
  en: `a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves`,
  fr: `a au aux avec ce ces c cet cette d dans de des du elle elles en es est et été être eu il ils j je l la le les
leur leurs lui m ma mais me même mes moi mon n ne nos notre nous on ont ou où par pas pour qu que qui s sa sans se
ses si son sont sur t ta te tes toi ton tu un une vos votre vous y à ça était étaient avait avaient sera serait`,
  de: `aber alle allem allen aller alles als also am an ander andere auch auf aus bei bin bis bist da damit dann
das dass dein deine dem den der des dich die dir doch dort du durch ein eine einem einen einer eines er es etwas
euch euer für gegen hab habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im in ist ja jede jedem
jeden jeder jedes jetzt kann kein keine können man manche mein meine mich mir mit muss nach nicht nichts noch nun
nur ob oder ohne sehr sein seine sich sie sind so solche soll sondern sonst über um und uns unser unter viel vom
von vor war waren warst was weg weil weiter welche wenn wer werde werden wie wieder will wir wird wo wollen würde
zu zum zur zwar zwischen`,
  es: `a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas
ellos en entre era eran es esa esas ese eso esos esta estaba estado estas este esto estos está están fue fueron
ha había han hasta hay la las le les lo los me mi mis mucho muy más nada ni no nos nosotros o otra otros para pero
poco por porque que quien se sea ser si sido sin sobre su sus también tanto te tiene tienen todo todos tu tus un
una uno unos y ya yo él`,
  it: `a ad agli ai al alla alle allo anche avere aveva c che chi ci come con contro cui da dagli dai dal dalla
dalle degli dei del della delle dello di dove e ed era erano essere gli ha hanno i il in io la le lei li lo loro
lui ma mi mia mie miei mio ne negli nei nel nella nelle noi non nostro o per perché più quale quando quella
quelli quello questa queste questi questo se sei si sia siamo sono su sua sue sui sul sulla suo suoi ti tra tu
tua tuo un una uno vi voi è`,
  pt: `a ao aos as até com como da das de dela dele deles do dos e ela elas ele eles em entre era eram essa esse
esta este eu foi foram há isso isto já lhe mais mas me mesmo meu minha muito na nas nem no nos nossa nosso não o
os ou para pela pelo por qual quando que quem se sem ser seu sua são só também te tem ter um uma você à às é`,
  nl: `aan al alles als bij daar dan dat de der deze die dit doch doen door dus een en er ge geen geweest haar had
heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn
moet na naar niet niets nog nu of om omdat ons ook op over reeds te tegen toch toen tot u uit uw van veel voor
want waren was wat we wel werd wezen wie wij wil worden zal ze zei zelf zich zij zijn zo zonder zou`,
  sv: `alla allt att av blev bli blir de dem den denna deras dess det detta dig din dina du där efter ej eller en er
era ett från för ha hade han hans har henne hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man
med mellan men mig min mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina
sitta själv skulle som så till under upp ut utan vad var vara varit vi vid vilka vilken vår våra åt än är över`,
  no: `alle at av bare begge ble blei bli blir da de deg dei deim deira dem den denne der dere det dette di din
disse du eller en er et ett etter for fordi fra før han hans har hennar henne hennes her hjå ho hoe honom hoss
hun hva hvem hver hvis hvor i ikkje ikke inn jeg kan kom korleis kun kunne man mange me med meg men mi min mitt
mot mykje ned no noe noen når og også om opp oss over på seg selv sin sitt skal skulle slik som så til um under
upp ut uten var vart ved vi vil vore være vært å`,
  da: `af alle allerede alt and andre at blev blive bliver da de dem den denne der deres det dette dig din dog du
efter eller en end er et for fra ham han hans har havde have hende hendes her hos hun hvad hvis hvor i ikke ind
jeg jer jo kunne man mange med meget men mig min mine mit mod ned noget nogle nu når og også om op os over på
selv sig sin sine sit skal skulle som sådan thi til ud under var vi vil ville vor være været`,
  fi: `ei eivät emme en et ette että he heidän hän hänen ja jos jota jotka joka kanssa keitä koska kuin kuka mikä
minä minun mitä mukaan mutta me meidän myös ne niin nyt oli olivat olla olen olet olemme on ovat se sekä sen
siellä sinä sinun tai te teidän tämä tässä tuo vaan vai vielä voi`,
  ru: `а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до его ее ей
ему если есть еще же за здесь и из или им их к как когда кто ли либо мне может мы на над не него нее нет ни них но
ну о об однако он она они оно от очень по под при с со так также такой там те тем то того тоже той только том ты
у уже хотя чего чей чем что чтобы чье чья эта эти это я`,
  pl: `a aby ale bez by być był była było byli co czy dla do gdy go i ich im jak jako je jego jej jest jeszcze już
każdy kiedy która które którego który lub ma mi mnie może na nad nam nas nie nich nim o od oraz po pod przez przy
się sobie są ta tak także tam te tego tej ten to tu tylko w we więc z za że żeby`,
  tr: `acaba ama ancak bana bazı belki ben beni benim bir biraz birkaç biz bu buna bunu bunun da daha de defa diye
en gibi hem hep hepsi her hiç için ile ise kadar ki kim mi mu mü nasıl ne neden nerede niçin o olan olarak on
ona onlar onu onun sen siz şu ve veya ya yani`,
  id: `ada adalah agar akan aku anda atau bagi bahwa banyak beberapa belum bisa dalam dan dari dengan di dia harus
hanya ia ini itu jika juga kami kamu karena ke kita lagi lebih mereka oleh pada para saat saja sampai saya
sebagai sedang sudah tapi telah tentang tersebut tidak untuk yang`,
} as const satisfies Record<string, string>;

/** A language code with a built-in stop-word list. */
export type StopWordLanguage = keyof typeof LISTS;

/** Languages with built-in stop-word lists (ISO 639-1 codes). */
export const STOP_WORD_LANGUAGES = Object.keys(LISTS) as readonly StopWordLanguage[];

/**
 * The built-in stop-word list of a language, lowercase. The lists are short (function words only), so they
 * are safe for retrieval and topic models; extend them with your own domain words.
 *
 * @param language an ISO 639-1 code from {@link STOP_WORD_LANGUAGES}
 * @throws UnknownNameError (from `@nlpkit/core`) for a language without a list
 */
export function stopWords(language: StopWordLanguage): ReadonlySet<string> {
  check.oneOf(language, 'language', STOP_WORD_LANGUAGES);
  return new Set(LISTS[language].split(/\s+/u).filter((w) => w.length > 0));
}

/**
 * Builds a step that drops stop words from a token list, comparing lowercased tokens. Works on plain strings
 * and on `Token` objects alike, so offsets survive filtering.
 *
 * @param words a language code, or your own collection of (lowercase) stop words
 * @example
 * removeStopWords('en')(['The', 'cat', 'sat']) // → ['cat', 'sat']
 */
export function removeStopWords(
  words: StopWordLanguage | Iterable<string>,
): <T extends string | { readonly text: string }>(tokens: readonly T[]) => T[] {
  let set: ReadonlySet<string>;
  if (typeof words === 'string') {
    set = stopWords(words as StopWordLanguage);
  } else if (words !== null && typeof words === 'object' && Symbol.iterator in words) {
    set = new Set([...words].map((w) => String(w).toLowerCase()));
  } else {
    throw check.invalid(words, 'words', 'a language code or an iterable of strings');
  }
  return (tokens) => {
    check.array(tokens, 'tokens');
    return tokens.filter((t) => !set.has((typeof t === 'string' ? t : t.text).toLowerCase()));
  };
}
