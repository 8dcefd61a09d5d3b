"""The Tang corpus: fetch the raw chinese-poetry files, clean them, split them, count them.

Data flows one way: :mod:`fetch` brings raw JSON into ``$TANGSHI_HOME/raw``;
:mod:`build` cleans it (:mod:`clean`), deduplicates, splits and writes one versioned
data set plus a vocabulary (:mod:`vocab`); :mod:`stats` describes the result.
"""
from tangshi.corpus.build import Dataset, CorpusPoem, load_dataset
from tangshi.corpus.vocab import Vocab

__all__ = ["Dataset", "CorpusPoem", "Vocab", "load_dataset"]
