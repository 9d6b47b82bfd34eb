/**
 * An example third-party Bonsai plugin: a custom layer ({@link com.example.bonsai.ChannelScaleOp},
 * op type {@code example.channel_scale}) that Bonsai scores, prunes and exports like a built-in
 * one, and a custom importance criterion ({@link com.example.bonsai.ChannelScaleImportance},
 * {@code channel-scale}) that a pruning plan selects by name. Built as its own PF4J jar against
 * {@code bonsai-api} only; drop the jar into a plugins folder to use it.
 */
package com.example.bonsai;
