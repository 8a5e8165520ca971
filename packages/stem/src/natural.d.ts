// Types for the few natural modules this package imports. natural ships no declarations for these deep paths;
// each module's export is a stemmer object whose `stem` takes one word.
interface NaturalStemmer {
  stem(token: string): string;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/lancaster_stemmer.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_de.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_es.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_fa.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_fr.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_it.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_nl.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_no.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_pt.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_ru.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_sv.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer_uk.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/Carry/index.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/stemmer_ja.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}

declare module 'natural/lib/natural/stemmers/indonesian/stemmer_id.js' {
  const stemmer: NaturalStemmer;
  export = stemmer;
}
