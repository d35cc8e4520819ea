import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
await tf.setBackend('cpu'); await tf.ready();
console.log(tf.getBackend(), typeof tfl.loadLayersModel, typeof tf.io.decodeWeights);
const N=17000, T=30, F=14;
const x = tf.randomNormal([N,T,F],0,1,'float32',1); const y = tf.randomNormal([N,1],0,1,'float32',2);
for (const kind of ['dense','conv']) {
  const m = tfl.sequential();
  if (kind==='dense') { m.add(tfl.layers.flatten({inputShape:[T,F]})); m.add(tfl.layers.dense({units:64,activation:'relu'})); m.add(tfl.layers.dense({units:32,activation:'relu'})); }
  else { m.add(tfl.layers.conv1d({inputShape:[T,F],filters:16,kernelSize:5,activation:'relu'})); m.add(tfl.layers.conv1d({filters:16,kernelSize:5,activation:'relu'})); m.add(tfl.layers.globalAveragePooling1d()); m.add(tfl.layers.dense({units:32,activation:'relu'}));}
  m.add(tfl.layers.dense({units:1}));
  m.compile({optimizer: tf.train.adam(1e-3), loss:'meanSquaredError'});
  const t0=Date.now(); await m.fit(x,y,{epochs:1,batchSize:256,shuffle:false,verbose:0}); console.log(kind, m.countParams(), (Date.now()-t0)/1000,'s/epoch');
}
