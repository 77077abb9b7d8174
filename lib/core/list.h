/* SPDX-License-Identifier: MIT */
/*
 * A minimal intrusive doubly linked list with a sentinel head, used by the
 * core for sets and notifier chains. Nothing here locks: the caller holds
 * whatever lock the struct that embeds the head documents.
 */
#ifndef IOASID_CORE_LIST_H
#define IOASID_CORE_LIST_H

#include <stddef.h>

struct ioasid__list {
	struct ioasid__list *next;
	struct ioasid__list *prev;
};

#define ioasid__container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void ioasid__list_init(struct ioasid__list *head)
{
	head->next = head;
	head->prev = head;
}

static inline void ioasid__list_add_tail(struct ioasid__list *head,
					 struct ioasid__list *node)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static inline void ioasid__list_del(struct ioasid__list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	ioasid__list_init(node);
}

#define ioasid__list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define ioasid__list_for_each_safe(pos, tmp, head)                   \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif /* IOASID_CORE_LIST_H */
