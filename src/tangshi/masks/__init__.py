"""tangshi.masks: the rulebook of :mod:`tangshi.prosody` as tensors, for training and decoding alike.

- :mod:`.constraints`: which vocabulary items may come next, as batched boolean masks
  (:class:`~.constraints.VocabProsody`, :class:`~.constraints.ConstraintState`);
- :mod:`.slots`: what the next character must be (tone, position, line, rhyme group), the model's
  rule-aware inputs;
- :mod:`.slotmask`: the set each slot allows, and the share of a distribution the rules keep there.

Below the model in the flow (corpus → model → train → checkpoint → decoding): the model reads slots,
the trainer weighs the kept mass, the decoder masks by the constraints.
"""
