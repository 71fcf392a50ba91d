package memstore

import (
	"container/heap"
	"time"
)

// dueIndex orders keys by the time their token must be renewed: a binary heap with
// each key's position, so that a save moves its key in O(log n) and listing the k
// earliest keys costs O(k log k), whatever the number of keys.
type dueIndex struct {
	items []dueItem
	pos   map[string]int
}

type dueItem struct {
	key string
	at  time.Time
}

// set files key at at; a zero at removes it.
func (d *dueIndex) set(key string, at time.Time) {
	i, ok := d.pos[key]
	switch {
	case ok && at.IsZero():
		heap.Remove((*dueHeap)(d), i)
	case ok:
		d.items[i].at = at
		heap.Fix((*dueHeap)(d), i)
	case !at.IsZero():
		if d.pos == nil {
			d.pos = map[string]int{}
		}
		heap.Push((*dueHeap)(d), dueItem{key, at})
	}
}

// before returns at most limit keys filed before t, earliest first. It walks the heap
// from its root with a second, small heap of the nodes to visit next: a node filed
// after t ends its subtree.
func (d *dueIndex) before(t time.Time, limit int) []string {
	var out []string
	next := frontier{d: d}
	if len(d.items) > 0 {
		next.idx = []int{0}
	}
	for len(next.idx) > 0 && len(out) < limit {
		i := heap.Pop(&next).(int)
		if !d.items[i].at.Before(t) {
			break // every node left in next is filed at or after this one
		}
		out = append(out, d.items[i].key)
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(d.items) {
				heap.Push(&next, c)
			}
		}
	}
	return out
}

// dueHeap is dueIndex as a heap.Interface.
type dueHeap dueIndex

func (h *dueHeap) Len() int           { return len(h.items) }
func (h *dueHeap) Less(i, j int) bool { return h.items[i].at.Before(h.items[j].at) }
func (h *dueHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.pos[h.items[i].key] = i
	h.pos[h.items[j].key] = j
}
func (h *dueHeap) Push(x any) {
	it := x.(dueItem)
	h.pos[it.key] = len(h.items)
	h.items = append(h.items, it)
}
func (h *dueHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	delete(h.pos, it.key)
	return it
}

// frontier holds positions in a dueIndex, ordered by their time.
type frontier struct {
	d   *dueIndex
	idx []int
}

func (f *frontier) Len() int           { return len(f.idx) }
func (f *frontier) Less(i, j int) bool { return f.d.items[f.idx[i]].at.Before(f.d.items[f.idx[j]].at) }
func (f *frontier) Swap(i, j int)      { f.idx[i], f.idx[j] = f.idx[j], f.idx[i] }
func (f *frontier) Push(x any)         { f.idx = append(f.idx, x.(int)) }
func (f *frontier) Pop() any {
	x := f.idx[len(f.idx)-1]
	f.idx = f.idx[:len(f.idx)-1]
	return x
}
