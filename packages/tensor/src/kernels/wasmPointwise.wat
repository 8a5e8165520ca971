;; nlpkit's elementwise kernels for WebAssembly SIMD (simd128): the passes over an LM's [N, V] logits that a
;; training step makes besides its matmuls, each one pass over memory, and an LSTM's and a GRU's step (gate
;; nonlinearities and state update), forward and backward.
;;
;; Hand-written, assembled by packages/tensor/scripts/buildWasmGemm.mjs (wabt) into wasmPointwiseBytes.ts, and
;; instantiated on tfjs-backend-wasm's own heap (one thread), so it reads and writes tensors where tfjs keeps them.
;; Every address is in bytes; rows are read with unaligned vector loads, and the last V mod 4 elements of a row
;; one lane at a time.
(module
  (import "env" "memory" (memory 1 65536))

  ;; e^x in each lane for x ≤ 0 (XNNPACK's rr2-p5: n = round(x·log2 e) by a magic bias that also yields 2^n's
  ;; exponent bits, r = x − n·ln 2 in two parts, a degree-5 polynomial); within 2 ulp. Lanes below −87.34 (where
  ;; e^x is subnormal) and NaN give 0. The build inlines every call of it, $sigmoid4 and $tanh4 (a call per vector
  ;; costs V8 the spills of every live vector register); the row loops below also repeat it by hand.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $s v128) (local $t v128) (local $p v128) (local $y v128)
            (local.set $n (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $s (i32x4.shl (local.get $n) (i32.const 23)))
            (local.set $n (f32x4.sub (local.get $n) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $t (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x)))
            (local.set $t (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t)))
            (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
            (local.set $t (f32x4.mul (local.get $t) (local.get $s)))
            (local.set $y (v128.and (f32x4.add (f32x4.mul (local.get $t) (local.get $p)) (local.get $s))
                                   (f32x4.ge (local.get $x) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
    (local.get $y))

  ;; One row's first pass of the softmax: writes its max (float32, as float64) at $stats and Σ x (float64) at
  ;; $stats + 16; returns the max. Eight at a time (two chains each), then one at a time.
  (func $rowMaxSum (param $row i32) (param $cols i32) (param $stats i32) (result f32)
    (local $j i32) (local $v8 i32) (local $m v128) (local $m1 v128) (local $s v128) (local $u v128) (local $t v128) (local $x0 v128)
    (local $max f32) (local $sum f64)
    (local.set $v8 (i32.and (local.get $cols) (i32.const -8)))
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $s (v128.const f64x2 0 0))
    (local.set $j (i32.const 0))
    (local.set $u (v128.const f64x2 0 0))
    (local.set $m1 (local.get $m))
    (block $d1
      (loop $l1
        (br_if $d1 (i32.ge_u (local.get $j) (local.get $v8)))
        (local.set $t (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $x0 (v128.load offset=16 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $m (f32x4.max (local.get $m) (local.get $t)))
        (local.set $m1 (f32x4.max (local.get $m1) (local.get $x0)))
        (local.set $t (f32x4.add (local.get $t) (local.get $x0)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $t))))
        (local.set $u (f64x2.add (local.get $u)
                                 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $l1)))
    (local.set $m (f32x4.max (local.get $m) (local.get $m1)))
    (local.set $s (f64x2.add (local.get $s) (local.get $u)))
    (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                             (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (block $d1t
      (loop $l1t
        (br_if $d1t (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $max (f32.max (local.get $max) (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l1t)))
    (f64.store offset=0 (local.get $stats) (f64.promote_f32 (local.get $max)))
    (f64.store offset=16 (local.get $stats) (local.get $sum))
    (local.get $max))

  ;; One row's second pass: Σ exp(x − max) (float64), writing each exp(x − max) to $out unless $out is 0. Eight
  ;; at a time (two independent vectors), then one at a time.
  (func $rowExpSum (param $row i32) (param $cols i32) (param $max f32) (param $out i32) (result f64)
    (local $j i32) (local $v8 i32) (local $m v128) (local $s v128) (local $s2 v128) (local $t v128) (local $u v128) (local $sum f64)
    (local $x0 v128) (local $n0 v128) (local $t0 v128) (local $p0 v128) (local $s0 v128)
    (local $x1 v128) (local $n1 v128) (local $t1 v128) (local $p1 v128) (local $s1 v128)
    (local.set $v8 (i32.and (local.get $cols) (i32.const -8)))
    (local.set $m (f32x4.splat (local.get $max)))
    (block $d2
      (loop $l2
        (br_if $d2 (i32.ge_u (local.get $j) (local.get $v8)))
        (local.set $x0 (f32x4.sub (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)))
        (local.set $x1 (f32x4.sub (v128.load offset=16 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)))
        (local.set $n0 (f32x4.add (f32x4.mul (local.get $x0) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
        (local.set $s0 (i32x4.shl (local.get $n0) (i32.const 23)))
        (local.set $n0 (f32x4.sub (local.get $n0) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
        (local.set $t0 (f32x4.add (f32x4.mul (local.get $n0) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x0)))
        (local.set $t0 (f32x4.add (f32x4.mul (local.get $n0) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t0)))
        (local.set $p0 (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t0)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
        (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
        (local.set $t0 (f32x4.mul (local.get $t0) (local.get $s0)))
        (local.set $t (v128.and (f32x4.add (f32x4.mul (local.get $t0) (local.get $p0)) (local.get $s0))
                               (f32x4.ge (local.get $x0) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
        (local.set $n1 (f32x4.add (f32x4.mul (local.get $x1) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
        (local.set $s1 (i32x4.shl (local.get $n1) (i32.const 23)))
        (local.set $n1 (f32x4.sub (local.get $n1) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
        (local.set $t1 (f32x4.add (f32x4.mul (local.get $n1) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x1)))
        (local.set $t1 (f32x4.add (f32x4.mul (local.get $n1) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t1)))
        (local.set $p1 (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t1)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
        (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
        (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
        (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
        (local.set $t1 (f32x4.mul (local.get $t1) (local.get $s1)))
        (local.set $u (v128.and (f32x4.add (f32x4.mul (local.get $t1) (local.get $p1)) (local.get $s1))
                               (f32x4.ge (local.get $x1) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
        (if (local.get $out)
          (then
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
            (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $u))))
        (local.set $t (f32x4.add (local.get $t) (local.get $u)))
        (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $t))))
        (local.set $s2 (f64x2.add (local.get $s2)
                                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $l2)))
    (local.set $s (f64x2.add (local.get $s) (local.get $s2)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (block $d2t
      (loop $l2t
        (br_if $d2t (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $t (call $exp4 (f32x4.sub (f32x4.splat (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                                             (local.get $m))))
        (if (local.get $out)
          (then (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 0 (local.get $t)))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $t)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l2t)))
    (local.get $sum))

  ;; Softmax cross-entropy, forward: for each row i of logits [N, V] (float32 at $x), writes e_ij = exp(x_ij − max_i)
  ;; to $e ([N, V] float32) and three float64 per row to $stats: max_i, Σ_j e_ij, Σ_j x_ij (sums in float64). The
  ;; caller takes the logarithms (one per row) and keeps e: p = e / Σe is never written, the gradient scales e.
  ;; A NaN logit makes the row's max NaN, so its loss comes out NaN.
  (func (export "xentForward") (param $x i32) (param $N i32) (param $V i32) (param $e i32) (param $stats i32)
    (local $i i32) (local $offset i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $offset (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2)))
        (f64.store offset=8 (local.get $stats)
          (call $rowExpSum (i32.add (local.get $x) (local.get $offset)) (local.get $V)
                           (call $rowMaxSum (i32.add (local.get $x) (local.get $offset)) (local.get $V) (local.get $stats))
                           (i32.add (local.get $e) (local.get $offset))))
        (local.set $stats (i32.add (local.get $stats) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Softmax cross-entropy statistics of one column block of logits, for a loss that never stores the logits
  ;; (`wasmAffineXent.ts`: the output layer's GEMM writes [rows, cols] logits of columns [j0, j0 + cols) into a
  ;; scratch block, this reads them): for each row i, writes four float64 at $stats + 32·i: the block's max m,
  ;; Σ_j exp(x_ij − m) and Σ_j x_ij (sums in float64), and x_it when the row's target t (int32 at $targets + 4·i)
  ;; is in the block (left as it was otherwise). The exponentials are xentForward's, in the same order.
  (func (export "xentBlock") (param $x i32) (param $rows i32) (param $cols i32) (param $targets i32) (param $j0 i32) (param $stats i32)
    (local $i i32) (local $row i32) (local $t i32)
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $cols)) (i32.const 2))))
        (f64.store offset=8 (local.get $stats)
          (call $rowExpSum (local.get $row) (local.get $cols) (call $rowMaxSum (local.get $row) (local.get $cols) (local.get $stats)) (i32.const 0)))
        ;; the target's logit, when it is in this block
        (local.set $t (i32.sub (i32.load (i32.add (local.get $targets) (i32.shl (local.get $i) (i32.const 2)))) (local.get $j0)))
        (if (i32.lt_u (local.get $t) (local.get $cols))
          (then (f64.store offset=24 (local.get $stats) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 2))))))))
        (local.set $stats (i32.add (local.get $stats) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop))))

  ;; Softmax cross-entropy, backward: out_ij = e_ij · a_i − b_i for e [N, V] and two float32 per row at $coef
  ;; (a_i, b_i). The caller then corrects the target element of each row.
  (func (export "xentGrad") (param $e i32) (param $coef i32) (param $N i32) (param $V i32) (param $out i32)
    (local $i i32) (local $j i32) (local $src i32) (local $dst i32) (local $v4 i32)
    (local $a v128) (local $b v128)
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $src (i32.add (local.get $e) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $dst (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $a (v128.load32_splat offset=0 (local.get $coef)))
        (local.set $b (v128.load32_splat offset=4 (local.get $coef)))
        (local.set $j (i32.const 0))
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_u (local.get $j) (local.get $v4)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $a)) (local.get $b)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l1)))
        (block $d1t
          (loop $l1t
            (br_if $d1t (i32.ge_u (local.get $j) (local.get $V)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.sub (f32.mul (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (f32.load offset=0 (local.get $coef)))
                       (f32.load offset=4 (local.get $coef))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $l1t)))
        (local.set $coef (i32.add (local.get $coef) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Column sums of x [rows, cols] (float32) into out [cols], float32, rows added in order (four at a time).
  (func (export "columnSum") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $i i32) (local $j i32) (local $at i32) (local $ld i32) (local $c4 i32) (local $o i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $ld (i32.shl (local.get $cols) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $ld))
    (block $done
      (loop $rowGroups
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $at (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $ld))))
        (local.set $j (i32.const 0))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows))
          (then
            (block $d4
              (loop $l4
                (br_if $d4 (i32.ge_u (local.get $j) (local.get $c4)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (v128.store (local.get $o)
                  (f32x4.add
                    (f32x4.add
                      (f32x4.add
                        (f32x4.add (v128.load (local.get $o)) (v128.load (local.get $at)))
                        (v128.load (i32.add (local.get $at) (local.get $ld))))
                      (v128.load (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 1)))))
                    (v128.load (i32.add (local.get $at) (i32.mul (local.get $ld) (i32.const 3))))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $l4)))
            (block $d4t
              (loop $l4t
                (br_if $d4t (i32.ge_u (local.get $j) (local.get $cols)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (f32.store (local.get $o)
                  (f32.add
                    (f32.add
                      (f32.add
                        (f32.add (f32.load (local.get $o)) (f32.load (local.get $at)))
                        (f32.load (i32.add (local.get $at) (local.get $ld))))
                      (f32.load (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 1)))))
                    (f32.load (i32.add (local.get $at) (i32.mul (local.get $ld) (i32.const 3))))))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $l4t)))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (block $d1
              (loop $l1
                (br_if $d1 (i32.ge_u (local.get $j) (local.get $c4)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (v128.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $l1)))
            (block $d1t
              (loop $l1t
                (br_if $d1t (i32.ge_u (local.get $j) (local.get $cols)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (f32.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $l1t)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $rowGroups))))

  ;; σ(x) per lane: e = exp(−|x|), σ = e/(1 + e) for x < 0, else 1 − e/(1 + e) (no overflow, no cancellation for
  ;; x < 0); NaN stays NaN.
  (func $sigmoid4 (param $x v128) (result v128)
    (local $e v128) (local $f v128)
    (local.set $e (call $exp4 (f32x4.neg (f32x4.abs (local.get $x)))))
    (local.set $f (f32x4.div (local.get $e) (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1))))
    (v128.bitselect (local.get $x)
      (v128.bitselect (local.get $f) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $f)) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)))
      (f32x4.ne (local.get $x) (local.get $x))))

  ;; tanh(x) per lane: e = exp(−2|x|), tanh = sign(x)·(1 − e)/(1 + e) (absolute error ~1e−7 near 0); NaN stays NaN.
  (func $tanh4 (param $x v128) (result v128)
    (local $e v128)
    (local.set $e (call $exp4 (f32x4.mul (f32x4.abs (local.get $x)) (v128.const f32x4 -2 -2 -2 -2))))
    (v128.bitselect (local.get $x)
      (v128.bitselect
        (local.get $x)
        (f32x4.div (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e)) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
        (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
      (f32x4.ne (local.get $x) (local.get $x))))

  ;; tanh of the n floats at $x into $out (may be $x): $tanh4 four at a time, the last n mod 4 one lane at a time.
  (func (export "tanh") (param $x i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $out) (local.get $i)) (call $tanh4 (v128.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $lanesDone
      (loop $lanes
        (br_if $lanesDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32x4.extract_lane 0 (call $tanh4 (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $lanes))))

  ;; One LSTM step forward over B rows of H ≥ 4 units (gate order i, f, g, o); when H is not a multiple of 4 the last
  ;; vector of each row overlaps the one before and recomputes its lanes (no output is also an input here). Reads the projected
  ;; inputs $xp and the recurrent product $hw (both [B, 4H]), the previous state $hPrev, $cPrev ([B, H]) and the
  ;; row mask $mask ([B]; 0: every row valid); writes y = m·h' to $y, the carried state (h' and c' where m = 1,
  ;; the previous ones where m = 0) to $hNext and $cNext, and [i, f, g, o, tanh c'] to $acts ([B, 5H]; 0: not
  ;; kept, for inference).
  (func (export "lstmForward") (param $xp i32) (param $hw i32) (param $hPrev i32) (param $cPrev i32) (param $mask i32)
        (param $hNext i32) (param $cNext i32) (param $y i32) (param $acts i32) (param $B i32) (param $H i32)
    (local $b i32) (local $j i32) (local $h4 i32) (local $g4 i32) (local $a4 i32) (local $at i32) (local $gx i32) (local $gh i32) (local $ac i32)
    (local $m v128) (local $k v128) (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $hp v128)
    (local $cp v128) (local $tc v128) (local $hn v128) (local $yv v128)
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    (local.set $g4 (i32.shl (local.get $h4) (i32.const 2)))
    (local.set $a4 (i32.mul (local.get $h4) (i32.const 5)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $m (if (result v128) (local.get $mask)
          (then (v128.load32_splat (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))))
          (else (v128.const f32x4 1 1 1 1))))
        (local.set $k (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $d
          (loop $l
            ;; the last vector of a row that is not a multiple of 4 starts at H − 4 (overlapping the one before)
            (if (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $h4)) (then (local.set $j (i32.sub (local.get $h4) (i32.const 16)))))
            (local.set $gx (i32.add (i32.add (local.get $xp) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (local.set $gh (i32.add (i32.add (local.get $hw) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (local.set $i (call $sigmoid4 (f32x4.add (v128.load (local.get $gx)) (v128.load (local.get $gh)))))
            (local.set $f (call $sigmoid4 (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $h4)))
                                                     (v128.load (i32.add (local.get $gh) (local.get $h4))))))
            (local.set $g (call $tanh4 (f32x4.add (v128.load (i32.add (local.get $gx) (i32.shl (local.get $h4) (i32.const 1))))
                                                  (v128.load (i32.add (local.get $gh) (i32.shl (local.get $h4) (i32.const 1)))))))
            (local.set $o (call $sigmoid4 (f32x4.add (v128.load (i32.add (local.get $gx) (i32.mul (local.get $h4) (i32.const 3))))
                                                     (v128.load (i32.add (local.get $gh) (i32.mul (local.get $h4) (i32.const 3)))))))
            (local.set $at (i32.add (i32.mul (local.get $b) (local.get $h4)) (local.get $j)))
            (local.set $hp (v128.load (i32.add (local.get $hPrev) (local.get $at))))
            (local.set $cp (v128.load (i32.add (local.get $cPrev) (local.get $at))))
            (local.set $c (f32x4.add (f32x4.mul (local.get $f) (local.get $cp)) (f32x4.mul (local.get $i) (local.get $g))))
            (local.set $tc (call $tanh4 (local.get $c)))
            (local.set $hn (f32x4.mul (local.get $o) (local.get $tc)))
            (local.set $yv (f32x4.mul (local.get $m) (local.get $hn)))
            (v128.store (i32.add (local.get $y) (local.get $at)) (local.get $yv))
            (v128.store (i32.add (local.get $hNext) (local.get $at)) (f32x4.add (local.get $yv) (f32x4.mul (local.get $k) (local.get $hp))))
            (v128.store (i32.add (local.get $cNext) (local.get $at))
              (f32x4.add (f32x4.mul (local.get $m) (local.get $c)) (f32x4.mul (local.get $k) (local.get $cp))))
            (if (local.get $acts) (then
              (local.set $ac (i32.add (i32.add (local.get $acts) (i32.mul (local.get $b) (local.get $a4))) (local.get $j)))
              (v128.store (local.get $ac) (local.get $i))
              (v128.store (i32.add (local.get $ac) (local.get $h4)) (local.get $f))
              (v128.store (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 1))) (local.get $g))
              (v128.store (i32.add (local.get $ac) (i32.mul (local.get $h4) (i32.const 3))) (local.get $o))
              (v128.store (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 2))) (local.get $tc))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $l (i32.lt_u (local.get $j) (local.get $h4)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; One LSTM step backward (the derivative of lstmForward; H ≥ 4, as there). The gradient reaching h' is
  ;; $dhA + $dhB ($dhB 0: none; the recurrent product and the carried part), plus $dy for the step's output (0:
  ;; none); $dcIn reaches c'. Reads $acts and $cPrev as lstmForward wrote and read them, $mask as there. Writes the
  ;; pre-activation gradients [B, 4H] to $dGate, the gradient of c_{t−1} to $dcOut, and, when there is a mask,
  ;; the carried part of h_{t−1}'s, (1 − m)·dh, to $dhCarry. No output may be an input (H not a multiple of 4
  ;; recomputes a few lanes).
  (func (export "lstmBackward") (param $dhA i32) (param $dhB i32) (param $dy i32) (param $dcIn i32) (param $acts i32)
        (param $cPrev i32) (param $mask i32) (param $dGate i32) (param $dcOut i32) (param $dhCarry i32) (param $B i32) (param $H i32)
    (local $b i32) (local $j i32) (local $h4 i32) (local $g4 i32) (local $a4 i32) (local $at i32) (local $ac i32) (local $dg i32)
    (local $m v128) (local $k v128) (local $dh v128) (local $dhn v128) (local $dc v128) (local $dct v128)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $tc v128) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    (local.set $g4 (i32.shl (local.get $h4) (i32.const 2)))
    (local.set $a4 (i32.mul (local.get $h4) (i32.const 5)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $m (if (result v128) (local.get $mask)
          (then (v128.load32_splat (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))))
          (else (v128.const f32x4 1 1 1 1))))
        (local.set $k (f32x4.sub (local.get $one) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $d
          (loop $l
            ;; the last vector of a row that is not a multiple of 4 starts at H − 4 (overlapping the one before)
            (if (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $h4)) (then (local.set $j (i32.sub (local.get $h4) (i32.const 16)))))
            (local.set $at (i32.add (i32.mul (local.get $b) (local.get $h4)) (local.get $j)))
            (local.set $dh (v128.load (i32.add (local.get $dhA) (local.get $at))))
            (if (local.get $dhB) (then (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dhB) (local.get $at)))))))
            (local.set $dhn (local.get $dh))
            (if (local.get $dy) (then (local.set $dhn (f32x4.add (local.get $dhn) (v128.load (i32.add (local.get $dy) (local.get $at)))))))
            (local.set $dhn (f32x4.mul (local.get $m) (local.get $dhn)))
            (local.set $dc (v128.load (i32.add (local.get $dcIn) (local.get $at))))
            (local.set $ac (i32.add (i32.add (local.get $acts) (i32.mul (local.get $b) (local.get $a4))) (local.get $j)))
            (local.set $i (v128.load (local.get $ac)))
            (local.set $f (v128.load (i32.add (local.get $ac) (local.get $h4))))
            (local.set $g (v128.load (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 1)))))
            (local.set $o (v128.load (i32.add (local.get $ac) (i32.mul (local.get $h4) (i32.const 3)))))
            (local.set $tc (v128.load (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 2)))))
            ;; dc_T = m·dc + dh_N·o·(1 − tanh² c')
            (local.set $dct (f32x4.add (f32x4.mul (local.get $m) (local.get $dc))
              (f32x4.mul (local.get $dhn) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (f32x4.mul (local.get $tc) (local.get $tc)))))))
            (local.set $dg (i32.add (i32.add (local.get $dGate) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (v128.store (local.get $dg)
              (f32x4.mul (local.get $dct) (f32x4.mul (local.get $g) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i))))))
            (v128.store (i32.add (local.get $dg) (local.get $h4))
              (f32x4.mul (local.get $dct) (f32x4.mul (v128.load (i32.add (local.get $cPrev) (local.get $at)))
                                                     (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f))))))
            (v128.store (i32.add (local.get $dg) (i32.shl (local.get $h4) (i32.const 1)))
              (f32x4.mul (local.get $dct) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g))))))
            (v128.store (i32.add (local.get $dg) (i32.mul (local.get $h4) (i32.const 3)))
              (f32x4.mul (local.get $dhn) (f32x4.mul (local.get $tc) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o))))))
            (v128.store (i32.add (local.get $dcOut) (local.get $at))
              (f32x4.add (f32x4.mul (local.get $dct) (local.get $f)) (f32x4.mul (local.get $k) (local.get $dc))))
            (if (local.get $mask) (then (v128.store (i32.add (local.get $dhCarry) (local.get $at)) (f32x4.mul (local.get $k) (local.get $dh)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $l (i32.lt_u (local.get $j) (local.get $h4)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; One GRU step forward over B rows of H ≥ 4 units (PyTorch's cell: gate order r, z, n, the reset gate applied to
  ;; the recurrent product); H not a multiple of 4 as in lstmForward. Reads the projected inputs $xp and the
  ;; recurrent product $hw (both [B, 3H], each with its bias), the previous state $hPrev ([B, H]) and the row mask
  ;; $mask ([B]; 0: every row valid); writes y = m·h' (h' = n + z·(h − n)) to $y, the carried state (h' where
  ;; m = 1, the previous one where m = 0) to $hNext, and [r, z, n, hn] (hn the n block of $hw) to $acts ([B, 4H];
  ;; 0: not kept, for inference).
  (func (export "gruForward") (param $xp i32) (param $hw i32) (param $hPrev i32) (param $mask i32)
        (param $hNext i32) (param $y i32) (param $acts i32) (param $B i32) (param $H i32)
    (local $b i32) (local $j i32) (local $h4 i32) (local $g4 i32) (local $a4 i32) (local $at i32) (local $gx i32) (local $gh i32) (local $ac i32)
    (local $m v128) (local $k v128) (local $r v128) (local $z v128) (local $n v128) (local $hn v128) (local $hp v128) (local $yv v128)
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    (local.set $g4 (i32.mul (local.get $h4) (i32.const 3)))
    (local.set $a4 (i32.shl (local.get $h4) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $m (if (result v128) (local.get $mask)
          (then (v128.load32_splat (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))))
          (else (v128.const f32x4 1 1 1 1))))
        (local.set $k (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $d
          (loop $l
            ;; the last vector of a row that is not a multiple of 4 starts at H − 4 (overlapping the one before)
            (if (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $h4)) (then (local.set $j (i32.sub (local.get $h4) (i32.const 16)))))
            (local.set $gx (i32.add (i32.add (local.get $xp) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (local.set $gh (i32.add (i32.add (local.get $hw) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (local.set $r (call $sigmoid4 (f32x4.add (v128.load (local.get $gx)) (v128.load (local.get $gh)))))
            (local.set $z (call $sigmoid4 (f32x4.add (v128.load (i32.add (local.get $gx) (local.get $h4)))
                                                     (v128.load (i32.add (local.get $gh) (local.get $h4))))))
            (local.set $hn (v128.load (i32.add (local.get $gh) (i32.shl (local.get $h4) (i32.const 1)))))
            (local.set $n (call $tanh4 (f32x4.add (v128.load (i32.add (local.get $gx) (i32.shl (local.get $h4) (i32.const 1))))
                                                  (f32x4.mul (local.get $r) (local.get $hn)))))
            (local.set $at (i32.add (i32.mul (local.get $b) (local.get $h4)) (local.get $j)))
            (local.set $hp (v128.load (i32.add (local.get $hPrev) (local.get $at))))
            (local.set $yv (f32x4.mul (local.get $m)
              (f32x4.add (local.get $n) (f32x4.mul (local.get $z) (f32x4.sub (local.get $hp) (local.get $n))))))
            (v128.store (i32.add (local.get $y) (local.get $at)) (local.get $yv))
            (v128.store (i32.add (local.get $hNext) (local.get $at)) (f32x4.add (local.get $yv) (f32x4.mul (local.get $k) (local.get $hp))))
            (if (local.get $acts) (then
              (local.set $ac (i32.add (i32.add (local.get $acts) (i32.mul (local.get $b) (local.get $a4))) (local.get $j)))
              (v128.store (local.get $ac) (local.get $r))
              (v128.store (i32.add (local.get $ac) (local.get $h4)) (local.get $z))
              (v128.store (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 1))) (local.get $n))
              (v128.store (i32.add (local.get $ac) (i32.mul (local.get $h4) (i32.const 3))) (local.get $hn))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $l (i32.lt_u (local.get $j) (local.get $h4)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; One GRU step backward (the derivative of gruForward; H ≥ 4, as there). The gradient carried to h' is
  ;; $dhA + $dhB ($dhB 0: none); $dy (0: none) is the step output's. Reads $acts and $hPrev as gruForward wrote and
  ;; read them, $mask as there. With dNew = m·(carried + dy): writes the input projections' gradient
  ;; [dNew·kr, dNew·kz, dNew·kn] to $dX and the recurrent product's [dNew·kr, dNew·kz, dNew·(kn·r)] to $dHH (both
  ;; [B, 3H]; kn = (1 − z)(1 − n²), kz = (h − n)·z(1 − z), kr = kn·hn·r(1 − r)), and the part of h_{t−1}'s gradient
  ;; that does not pass through W_hh, dNew·z + (1 − m)·carried, to $dhOut. No output may be an input.
  (func (export "gruBackward") (param $dhA i32) (param $dhB i32) (param $dy i32) (param $acts i32) (param $hPrev i32)
        (param $mask i32) (param $dX i32) (param $dHH i32) (param $dhOut i32) (param $B i32) (param $H i32)
    (local $b i32) (local $j i32) (local $h4 i32) (local $g4 i32) (local $a4 i32) (local $at i32) (local $ac i32) (local $dx i32) (local $dh i32)
    (local $m v128) (local $k v128) (local $carried v128) (local $dNew v128) (local $one v128)
    (local $r v128) (local $z v128) (local $n v128) (local $hn v128) (local $kn v128) (local $kz v128) (local $kr v128) (local $vr v128) (local $vz v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    (local.set $g4 (i32.mul (local.get $h4) (i32.const 3)))
    (local.set $a4 (i32.shl (local.get $h4) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $m (if (result v128) (local.get $mask)
          (then (v128.load32_splat (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))))
          (else (v128.const f32x4 1 1 1 1))))
        (local.set $k (f32x4.sub (local.get $one) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $d
          (loop $l
            ;; the last vector of a row that is not a multiple of 4 starts at H − 4 (overlapping the one before)
            (if (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $h4)) (then (local.set $j (i32.sub (local.get $h4) (i32.const 16)))))
            (local.set $at (i32.add (i32.mul (local.get $b) (local.get $h4)) (local.get $j)))
            (local.set $carried (v128.load (i32.add (local.get $dhA) (local.get $at))))
            (if (local.get $dhB) (then (local.set $carried (f32x4.add (local.get $carried) (v128.load (i32.add (local.get $dhB) (local.get $at)))))))
            (local.set $dNew (local.get $carried))
            (if (local.get $dy) (then (local.set $dNew (f32x4.add (local.get $dNew) (v128.load (i32.add (local.get $dy) (local.get $at)))))))
            (local.set $dNew (f32x4.mul (local.get $m) (local.get $dNew)))
            (local.set $ac (i32.add (i32.add (local.get $acts) (i32.mul (local.get $b) (local.get $a4))) (local.get $j)))
            (local.set $r (v128.load (local.get $ac)))
            (local.set $z (v128.load (i32.add (local.get $ac) (local.get $h4))))
            (local.set $n (v128.load (i32.add (local.get $ac) (i32.shl (local.get $h4) (i32.const 1)))))
            (local.set $hn (v128.load (i32.add (local.get $ac) (i32.mul (local.get $h4) (i32.const 3)))))
            (local.set $kn (f32x4.mul (f32x4.sub (local.get $one) (local.get $z)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $n) (local.get $n)))))
            (local.set $kz (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $at))) (local.get $n))
                                      (f32x4.mul (local.get $z) (f32x4.sub (local.get $one) (local.get $z)))))
            (local.set $kr (f32x4.mul (f32x4.mul (local.get $kn) (local.get $hn)) (f32x4.mul (local.get $r) (f32x4.sub (local.get $one) (local.get $r)))))
            (local.set $vr (f32x4.mul (local.get $dNew) (local.get $kr)))
            (local.set $vz (f32x4.mul (local.get $dNew) (local.get $kz)))
            (local.set $dx (i32.add (i32.add (local.get $dX) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (local.set $dh (i32.add (i32.add (local.get $dHH) (i32.mul (local.get $b) (local.get $g4))) (local.get $j)))
            (v128.store (local.get $dx) (local.get $vr))
            (v128.store (i32.add (local.get $dx) (local.get $h4)) (local.get $vz))
            (v128.store (i32.add (local.get $dx) (i32.shl (local.get $h4) (i32.const 1))) (f32x4.mul (local.get $dNew) (local.get $kn)))
            (v128.store (local.get $dh) (local.get $vr))
            (v128.store (i32.add (local.get $dh) (local.get $h4)) (local.get $vz))
            (v128.store (i32.add (local.get $dh) (i32.shl (local.get $h4) (i32.const 1))) (f32x4.mul (local.get $dNew) (f32x4.mul (local.get $kn) (local.get $r))))
            (v128.store (i32.add (local.get $dhOut) (local.get $at))
              (f32x4.add (f32x4.mul (local.get $dNew) (local.get $z)) (f32x4.mul (local.get $k) (local.get $carried))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $l (i32.lt_u (local.get $j) (local.get $h4)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; Rows of a table: out[i] = table[ids[i]] for i < n, $rowBytes bytes each (ids int32 at $ids, in range:
  ;; the caller checks them).
  (func (export "gatherRows") (param $table i32) (param $ids i32) (param $n i32) (param $rowBytes i32) (param $out i32)
    (local $i i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (memory.copy
          (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $rowBytes)))
          (i32.add (local.get $table) (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
          (local.get $rowBytes))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out[ids[i]] += src[i] for i = 0 … n−1 in order (rows of D floats, `out` already zeroed by the caller): the
  ;; scatter-add of an embedding's gradient, duplicates summed in the order of the ids (tfjs's ScatterNd's order,
  ;; so the same bits). The caller checks the ids.
  (func (export "scatterAddRows") (param $src i32) (param $ids i32) (param $n i32) (param $D i32) (param $out i32)
    (local $i i32) (local $j i32) (local $d4 i32) (local $from i32) (local $to i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $d4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $from (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $to (i32.add (local.get $out)
          (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $vDone
          (loop $vl
            (br_if $vDone (i32.ge_u (local.get $j) (local.get $d4)))
            (v128.store (i32.add (local.get $to) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $to) (local.get $j))) (v128.load (i32.add (local.get $from) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vl)))
        (block $tDone
          (loop $tl
            (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $to) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $to) (local.get $j))) (f32.load (i32.add (local.get $from) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out[h] = max over r < rows of x[r·H + h] (rows ≥ 1; f32x4.max and f32.max: NaN wins, +0 above −0): the max
  ;; over a sequence's valid steps, one row of a pooled [B, H] from a [B, T, H] (the caller passes each row's
  ;; first step and its length).
  (func (export "maxOfRows") (param $x i32) (param $rows i32) (param $H i32) (param $out i32)
    (local $r i32) (local $j i32) (local $h4 i32) (local $rowBytes i32) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $H) (i32.const 2)))
    (local.set $h4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (memory.copy (local.get $out) (local.get $x) (local.get $rowBytes))
    (local.set $r (i32.const 1))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $at (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $vDone
          (loop $vl
            (br_if $vDone (i32.ge_u (local.get $j) (local.get $h4)))
            (v128.store (i32.add (local.get $out) (local.get $j))
              (f32x4.max (v128.load (i32.add (local.get $out) (local.get $j))) (v128.load (i32.add (local.get $at) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vl)))
        (block $tDone
          (loop $tl
            (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $j))
              (f32.max (f32.load (i32.add (local.get $out) (local.get $j))) (f32.load (i32.add (local.get $at) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tl)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsLoop))))

  ;; Additive (Bahdanau) attention of B rows over S positions, as a decoder step computes it without a gradient:
  ;; for row b over memory row m = rows[b] ($rows: int32 [B]; 0: m = b), score_s = Σ_a v[a]·tanh(keys[m, s, a] +
  ;; q[b, a]) (A a multiple of 4), then the composite's masked softmax, w_s = softmax_s(score_s + (mask[m, s] −
  ;; 1)·1e9)·mask[m, s], and context[b] = Σ_s w_s·values[m, s] (H a multiple of 4; s in order). Reads keys
  ;; [·, S, A], q [B, A], v [A], mask [·, S], values [·, S, H]; writes weights [B, S] and context [B, H]. A row
  ;; whose exponentials all underflow gets weights 0 (not NaN).
  (func (export "additiveAttention") (param $keys i32) (param $q i32) (param $v i32) (param $mask i32) (param $values i32)
        (param $B i32) (param $S i32) (param $A i32) (param $H i32) (param $weights i32) (param $context i32) (param $rows i32)
    (local $b i32) (local $mem i32) (local $s i32) (local $a i32) (local $a4 i32) (local $h4 i32) (local $krow i32) (local $qrow i32)
    (local $wrow i32) (local $mrow i32) (local $crow i32) (local $vrow i32)
    (local $acc v128) (local $x v128) (local $e v128) (local $t v128) (local $w v128)
    (local $y v128) (local $n v128) (local $sc v128) (local $r v128) (local $p v128)
    (local $score f32) (local $max f32) (local $m f32) (local $sum f32) (local $inv f32)
    (local.set $a4 (i32.shl (local.get $A) (i32.const 2)))
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $mem (if (result i32) (local.get $rows)
          (then (i32.load (i32.add (local.get $rows) (i32.shl (local.get $b) (i32.const 2)))))
          (else (local.get $b))))
        (local.set $qrow (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $a4))))
        (local.set $wrow (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $b) (local.get $S)) (i32.const 2))))
        (local.set $mrow (i32.add (local.get $mask) (i32.shl (i32.mul (local.get $mem) (local.get $S)) (i32.const 2))))
        (local.set $max (f32.const -inf))
        ;; scores (masked) into the weights row, and their max
        (local.set $s (i32.const 0))
        (block $scoresDone
          (loop $scores
            (br_if $scoresDone (i32.ge_u (local.get $s) (local.get $S)))
            (local.set $krow (i32.add (local.get $keys) (i32.mul (i32.add (i32.mul (local.get $mem) (local.get $S)) (local.get $s)) (local.get $a4))))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $a (i32.const 0))
            (loop $depth
              (local.set $x (f32x4.add (v128.load (i32.add (local.get $krow) (local.get $a))) (v128.load (i32.add (local.get $qrow) (local.get $a)))))
              ;; tanh(x) = sign(x)·(1 − e)/(1 + e), e = exp(−2|x|) ($tanh4 and $exp4 inline: a call per vector
              ;; costs ~2×)
              (local.set $y (f32x4.mul (f32x4.abs (local.get $x)) (v128.const f32x4 -2 -2 -2 -2)))
              (local.set $n (f32x4.add (f32x4.mul (local.get $y) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
              (local.set $sc (i32x4.shl (local.get $n) (i32.const 23)))
              (local.set $n (f32x4.sub (local.get $n) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
              (local.set $r (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $y)))
              (local.set $r (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $r)))
              (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $r)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
              (local.set $r (f32x4.mul (local.get $r) (local.get $sc)))
              (local.set $e (v128.and (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (local.get $sc))
                                      (f32x4.ge (local.get $y) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
              (local.set $t (v128.bitselect
                (local.get $x)
                (v128.bitselect
                  (local.get $x)
                  (f32x4.div (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e)) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
                  (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                (f32x4.ne (local.get $x) (local.get $x))))
              (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $t) (v128.load (i32.add (local.get $v) (local.get $a))))))
              (br_if $depth (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 16))) (local.get $a4))))
            (local.set $m (f32.load (i32.add (local.get $mrow) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $score
              (f32.add
                (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                         (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))
                (f32.mul (f32.sub (local.get $m) (f32.const 1)) (f32.const 1e9))))
            (f32.store (i32.add (local.get $wrow) (i32.shl (local.get $s) (i32.const 2))) (local.get $score))
            (local.set $max (f32.max (local.get $max) (local.get $score)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $scores)))
        ;; softmax over the row, times the mask
        (local.set $sum (f32.const 0))
        (local.set $s (i32.const 0))
        (block $expDone
          (loop $exps
            (br_if $expDone (i32.ge_u (local.get $s) (local.get $S)))
            (local.set $t (call $exp4 (f32x4.splat (f32.sub (f32.load (i32.add (local.get $wrow) (i32.shl (local.get $s) (i32.const 2)))) (local.get $max)))))
            (f32.store (i32.add (local.get $wrow) (i32.shl (local.get $s) (i32.const 2))) (f32x4.extract_lane 0 (local.get $t)))
            (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 0 (local.get $t))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $exps)))
        (local.set $inv (select (f32.div (f32.const 1) (local.get $sum)) (f32.const 0) (f32.gt (local.get $sum) (f32.const 0))))
        ;; context = Σ_s w_s·values[b, s]
        (local.set $crow (i32.add (local.get $context) (i32.mul (local.get $b) (local.get $h4))))
        (local.set $a (i32.const 0))
        (block $zeroDone
          (loop $zero
            (br_if $zeroDone (i32.ge_u (local.get $a) (local.get $h4)))
            (v128.store (i32.add (local.get $crow) (local.get $a)) (v128.const f32x4 0 0 0 0))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $zero)))
        (local.set $s (i32.const 0))
        (block $ctxDone
          (loop $ctx
            (br_if $ctxDone (i32.ge_u (local.get $s) (local.get $S)))
            (local.set $score
              (f32.mul (f32.mul (f32.load (i32.add (local.get $wrow) (i32.shl (local.get $s) (i32.const 2)))) (local.get $inv))
                       (f32.load (i32.add (local.get $mrow) (i32.shl (local.get $s) (i32.const 2))))))
            (f32.store (i32.add (local.get $wrow) (i32.shl (local.get $s) (i32.const 2))) (local.get $score))
            (local.set $w (f32x4.splat (local.get $score)))
            (local.set $vrow (i32.add (local.get $values) (i32.mul (i32.add (i32.mul (local.get $mem) (local.get $S)) (local.get $s)) (local.get $h4))))
            (local.set $a (i32.const 0))
            (block $hDone
              (loop $hl
                (br_if $hDone (i32.ge_u (local.get $a) (local.get $h4)))
                (v128.store (i32.add (local.get $crow) (local.get $a))
                  (f32x4.add (v128.load (i32.add (local.get $crow) (local.get $a)))
                             (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $vrow) (local.get $a))))))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (br $hl)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $ctx)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; The gradient of additive attention's context for B rows (A, H multiples of 4), given dContext [B, H]: with
  ;; u = tanh(keys[b, s] + q[b]) recomputed, da_s = values[b, s]·dc[b], de_s = a_s·(da_s − Σ_s' a_s'·da_s') and
  ;; dp = de_s·v·(1 − u²), writes dq[b] = Σ_s dp ([B, A]), dKeys[b, s] = dp ([B, S, A]) and dv = Σ_{b, s} de_s·u
  ;; ([A], rows and positions in order). Reads keys [B, S, A], values [B, S, H], q [B, A], v [A], the weights a
  ;; [B, S] (0 on padding, so padding gets no gradient) and dc [B, H].
  (func (export "additiveAttentionGrad") (param $keys i32) (param $values i32) (param $q i32) (param $v i32) (param $a i32)
        (param $dc i32) (param $B i32) (param $S i32) (param $A i32) (param $H i32) (param $dq i32) (param $dKeys i32) (param $dv i32)
    (local $b i32) (local $s i32) (local $j i32) (local $a4 i32) (local $h4 i32) (local $krow i32) (local $vrow i32)
    (local $qrow i32) (local $dcrow i32) (local $dqrow i32) (local $arow i32) (local $drow i32)
    (local $acc v128) (local $x v128) (local $u v128) (local $e v128) (local $dp v128) (local $dev v128)
    (local $y v128) (local $n v128) (local $sc v128) (local $r v128) (local $p v128)
    (local $da f32) (local $sumAda f32) (local $de f32)
    (local.set $a4 (i32.shl (local.get $A) (i32.const 2)))
    (local.set $h4 (i32.shl (local.get $H) (i32.const 2)))
    ;; dv = 0, dq = 0
    (local.set $j (i32.const 0))
    (block $dvDone
      (loop $dvZero
        (br_if $dvDone (i32.ge_u (local.get $j) (local.get $a4)))
        (v128.store (i32.add (local.get $dv) (local.get $j)) (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $dvZero)))
    (memory.fill (local.get $dq) (i32.const 0) (i32.mul (local.get $B) (local.get $a4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $qrow (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $a4))))
        (local.set $dqrow (i32.add (local.get $dq) (i32.mul (local.get $b) (local.get $a4))))
        (local.set $dcrow (i32.add (local.get $dc) (i32.mul (local.get $b) (local.get $h4))))
        (local.set $arow (i32.add (local.get $a) (i32.shl (i32.mul (local.get $b) (local.get $S)) (i32.const 2))))
        ;; Σ_s a_s·da_s
        (local.set $sumAda (f32.const 0))
        (local.set $s (i32.const 0))
        (block $sumDone
          (loop $sums
            (br_if $sumDone (i32.ge_u (local.get $s) (local.get $S)))
            (local.set $vrow (i32.add (local.get $values) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $S)) (local.get $s)) (local.get $h4))))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (loop $dot
              (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $vrow) (local.get $j))) (v128.load (i32.add (local.get $dcrow) (local.get $j))))))
              (br_if $dot (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $h4))))
            (local.set $sumAda (f32.add (local.get $sumAda)
              (f32.mul (f32.load (i32.add (local.get $arow) (i32.shl (local.get $s) (i32.const 2))))
                       (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                                (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $sums)))
        ;; each position: de, then dp over A
        (local.set $s (i32.const 0))
        (block $posDone
          (loop $positions
            (br_if $posDone (i32.ge_u (local.get $s) (local.get $S)))
            (local.set $vrow (i32.add (local.get $values) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $S)) (local.get $s)) (local.get $h4))))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (loop $dot2
              (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $vrow) (local.get $j))) (v128.load (i32.add (local.get $dcrow) (local.get $j))))))
              (br_if $dot2 (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $h4))))
            (local.set $da (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
            (local.set $de (f32.mul (f32.load (i32.add (local.get $arow) (i32.shl (local.get $s) (i32.const 2)))) (f32.sub (local.get $da) (local.get $sumAda))))
            (local.set $dev (f32x4.splat (local.get $de)))
            (local.set $krow (i32.add (local.get $keys) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $S)) (local.get $s)) (local.get $a4))))
            (local.set $drow (i32.add (local.get $dKeys) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $S)) (local.get $s)) (local.get $a4))))
            (local.set $j (i32.const 0))
            (loop $depth
              (local.set $x (f32x4.add (v128.load (i32.add (local.get $krow) (local.get $j))) (v128.load (i32.add (local.get $qrow) (local.get $j)))))
              ;; u = tanh(x), as additiveAttention computes it (exp inline)
              (local.set $y (f32x4.mul (f32x4.abs (local.get $x)) (v128.const f32x4 -2 -2 -2 -2)))
              (local.set $n (f32x4.add (f32x4.mul (local.get $y) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
              (local.set $sc (i32x4.shl (local.get $n) (i32.const 23)))
              (local.set $n (f32x4.sub (local.get $n) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
              (local.set $r (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $y)))
              (local.set $r (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $r)))
              (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $r)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
              (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
              (local.set $r (f32x4.mul (local.get $r) (local.get $sc)))
              (local.set $e (v128.and (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (local.get $sc))
                                      (f32x4.ge (local.get $y) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
              (local.set $u (v128.bitselect
                (local.get $x)
                (v128.bitselect
                  (local.get $x)
                  (f32x4.div (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e)) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
                  (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                (f32x4.ne (local.get $x) (local.get $x))))
              (local.set $dp (f32x4.mul (f32x4.mul (local.get $dev) (v128.load (i32.add (local.get $v) (local.get $j))))
                                        (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $u) (local.get $u)))))
              (v128.store (i32.add (local.get $drow) (local.get $j)) (local.get $dp))
              (v128.store (i32.add (local.get $dqrow) (local.get $j)) (f32x4.add (v128.load (i32.add (local.get $dqrow) (local.get $j))) (local.get $dp)))
              (v128.store (i32.add (local.get $dv) (local.get $j))
                (f32x4.add (v128.load (i32.add (local.get $dv) (local.get $j))) (f32x4.mul (local.get $dev) (local.get $u))))
              (br_if $depth (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $a4))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $positions)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; Log-softmax of rows, first pass: for each row i of x [N, V] (float32), its max and Σ exp(x − max) as two
  ;; float64 at $stats + 16·i. The caller takes the logarithms (one per row) for `shiftRows`. Writes 8 bytes past the last row's
  ;; pair (scratch).
  (func (export "rowMaxExpSum") (param $x i32) (param $N i32) (param $V i32) (param $stats i32)
    (local $i i32) (local $row i32) (local $max f32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        ;; $rowMaxSum writes max and Σ x at stats[0], stats[2]; Σ x is not needed (the next row overwrites it)
        (local.set $max (call $rowMaxSum (local.get $row) (local.get $V) (local.get $stats)))
        (f64.store offset=8 (local.get $stats) (call $rowExpSum (local.get $row) (local.get $V) (local.get $max) (i32.const 0)))
        (local.set $stats (i32.add (local.get $stats) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Log-softmax of rows, second pass: out[i, j] = (x[i, j] − shift[i].0) − shift[i].1 for x, out [N, V]
  ;; (float32; may be the same address), shifts two float32 per row (max, log Σ exp(x − max)).
  (func (export "shiftRows") (param $x i32) (param $N i32) (param $V i32) (param $shifts i32) (param $out i32)
    (local $i i32) (local $j i32) (local $v4 i32) (local $row i32) (local $orow i32) (local $m v128) (local $l v128)
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $orow (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $m (f32x4.splat (f32.load (i32.add (local.get $shifts) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $l (f32x4.splat (f32.load offset=4 (i32.add (local.get $shifts) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $j (i32.const 0))
        (block $vDone
          (loop $vl
            (br_if $vDone (i32.ge_u (local.get $j) (local.get $v4)))
            (v128.store (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)) (local.get $l)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $vl)))
        (block $tDone
          (loop $tl
            (br_if $tDone (i32.ge_u (local.get $j) (local.get $V)))
            (f32.store (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2)))
              (f32.sub (f32.sub (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (f32x4.extract_lane 0 (local.get $m)))
                       (f32x4.extract_lane 0 (local.get $l))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Σ x² over n floats at $x, in float64 (each value squared exactly, as a double): the square of an L2 norm,
  ;; e.g. a gradient's for global-norm clipping, in one pass that reads x once and writes nothing. Four partial
  ;; sums, one per lane of the vectors, and the tail's, added together at the end in a fixed order: the same bits
  ;; for the same values on every machine. NaN or ±Infinity anywhere gives NaN or +Infinity.
  (func (export "sumSquares") (param $x i32) (param $n i32) (result f64)
    (local $at i32) (local $end4 i32) (local $end i32) (local $t v128) (local $lo v128) (local $hi v128)
    (local $a v128) (local $b v128) (local $s f64) (local $e f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vDone
      (loop $vl
        (br_if $vDone (i32.ge_u (local.get $at) (local.get $end4)))
        (local.set $t (v128.load (i32.add (local.get $x) (local.get $at))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $t)))
        (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vl)))
    (block $tDone
      (loop $tl
        (br_if $tDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $e (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at)))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (local.get $e))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $tl)))
    (f64.add
      (f64.add
        (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a)))
        (f64.add (f64x2.extract_lane 0 (local.get $b)) (f64x2.extract_lane 1 (local.get $b))))
      (local.get $s)))

  ;; One plain SGD step over n floats: pOut[i] = p[i] − (g[i]·scale)·lr, each product rounded to float32 as the ops
  ;; `p − (g·scale)·lr` round them (pOut may be p: each value is read before it is written).
  (func (export "sgdStep") (param $p i32) (param $g i32) (param $n i32) (param $lr f32) (param $scale f32) (param $pOut i32)
    (local $at i32) (local $end4 i32) (local $end i32) (local $LR v128) (local $SCALE v128)
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $SCALE (f32x4.splat (local.get $scale)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vDone
      (loop $vl
        (br_if $vDone (i32.ge_u (local.get $at) (local.get $end4)))
        (v128.store (i32.add (local.get $pOut) (local.get $at))
          (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $at)))
                     (f32x4.mul (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $SCALE)) (local.get $LR))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vl)))
    (block $sDone
      (loop $sl
        (br_if $sDone (i32.ge_u (local.get $at) (local.get $end)))
        (f32.store (i32.add (local.get $pOut) (local.get $at))
          (f32.sub (f32.load (i32.add (local.get $p) (local.get $at)))
                   (f32.mul (f32.mul (f32.load (i32.add (local.get $g) (local.get $at))) (local.get $scale)) (local.get $lr))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $sl))))

  ;; One Adam update (Kingma & Ba, PyTorch's `Adam` without weight decay) of n floats, every operation rounded
  ;; to float32 in the order of the tfjs ops it replaces, so both give the same bits. The gradient is first
  ;; multiplied by $scale (global-norm clipping's factor; 1 leaves it exact), then
  ;;   m' = m·b1 + g·(1 − b1);  v' = v·b2 + g²·(1 − b2);  p' = p − ((m'/c1) / (√(v'/c2) + eps))·lr
  ;; with c1 = 1 − b1^t and c2 = 1 − b2^t the bias corrections. The outputs are separate buffers (no aliasing).
  (func (export "adamStep") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $b1c f32) (param $b2 f32) (param $b2c f32) (param $c1 f32) (param $c2 f32) (param $eps f32)
    (param $lr f32) (param $scale f32) (param $pOut i32) (param $mOut i32) (param $vOut i32)
    (local $at i32) (local $end4 i32) (local $end i32)
    (local $B1 v128) (local $B1C v128) (local $B2 v128) (local $B2C v128) (local $C1 v128) (local $C2 v128)
    (local $EPS v128) (local $LR v128) (local $SCALE v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $SCALE (f32x4.splat (local.get $scale)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B1C (f32x4.splat (local.get $b1c)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $B2C (f32x4.splat (local.get $b2c)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vDone
      (loop $vl
        (br_if $vDone (i32.ge_u (local.get $at) (local.get $end4)))
        (local.set $gv (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $SCALE)))
        (local.set $mv
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $at))) (local.get $B1))
                     (f32x4.mul (local.get $gv) (local.get $B1C))))
        (local.set $vv
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $B2))
                     (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $B2C))))
        (v128.store (i32.add (local.get $mOut) (local.get $at)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vv))
        (v128.store (i32.add (local.get $pOut) (local.get $at))
          (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $at)))
            (f32x4.mul
              (f32x4.div (f32x4.div (local.get $mv) (local.get $C1))
                         (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $C2))) (local.get $EPS)))
              (local.get $LR))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $vl)))
    (block $tDone
      (loop $tl
        (br_if $tDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $gs (f32.mul (f32.load (i32.add (local.get $g) (local.get $at))) (local.get $scale)))
        (local.set $ms
          (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $at))) (local.get $b1))
                   (f32.mul (local.get $gs) (local.get $b1c))))
        (local.set $vs
          (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $at))) (local.get $b2))
                   (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $b2c))))
        (f32.store (i32.add (local.get $mOut) (local.get $at)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vs))
        (f32.store (i32.add (local.get $pOut) (local.get $at))
          (f32.sub (f32.load (i32.add (local.get $p) (local.get $at)))
            (f32.mul
              (f32.div (f32.div (local.get $ms) (local.get $c1))
                       (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $lr))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $tl))))
)
