"""Finding the FAQ entry a question or a half-typed topic is about (/ask, /faq).

People ask the way they chat: "how do i get my money bak for coins i didnt use",
"my lil bro spent 50 bucks on my phone can i reverse it", "sent a lion by
accident 😭". Entries and questions go through the same steps:

1. words (`words`): lowercase, accents and punctuation dropped, "$" → dollar,
   chat shorthand expanded (u → you, r → are, wat → what, acc → account ...);
   how depends on the language (`profile`: one per supported language, with its
   stop words, shorthand, stemmer and lexicon; English words count in all);
2. typos, questions only (`speller`, `questions`): a word no entry uses is
   replaced by the closest word from the entries' names and keywords, the
   lexicon, or the words people used in at least two example questions
   ("following", "sharing"), or split into two known words ("moneyback");
3. concepts (`lexicon`, `terms`): words and phrases that mean the same thing
   here map to one concept ("money back", "reimburse", "chargeback" → ~refund),
   so a question can find an entry without sharing a word with it; negated and
   compared words count less;
4. stop words and chat filler dropped, the rest reduced to a stem (English's
   light stem, Snowball's for the other languages).

Each entry is analysed once (`analysis`); a question becomes units of terms,
scored against the entries (`scoring`: a text score plus a naive Bayes
posterior); `matcher` decides between answer, unsure and none, and completes
topics through the names' index (`names`). The weights and thresholds, and how
they were calibrated, are in `calibration`. The word tables and the lexicon are
data: coinhelp/data/*.yaml (English's; language-<language>.yaml for the others).
Which language a question is in is decided before matching (`language`).
"""
